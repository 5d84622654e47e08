"""The tables of the assistant, as SQLAlchemy 1.4 declarative models.

The schema itself is created by the Alembic migrations in `migrations/`; these models must describe
exactly the same schema (a test compares them). Constraint names follow one naming convention so a
later migration can find and alter them on PostgreSQL and on SQLite alike.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.base import clock
from bot.store.errors import InvalidInput, StoreError

TICKET_KINDS = ("BX", "TS", "CW", "BT", "RG", "CB", "CY")
TICKET_STATUSES = ("new", "assigned", "in_progress", "done", "cancelled")
BILLING_KINDS = ("area", "metered")
OUTAGE_KINDS = ("planned", "emergency")
SUBSCRIPTION_TOPICS = ("outage", "bill", "all")
INBOUND_STATES = ("running", "answered", "delivered", "failed")
OUTBOUND_STATUSES = ("sent", "failed", "refused", "queued")
AGENT_ROLES = ("agent", "supervisor")
HANDOFF_STATUSES = ("queued", "active", "closed", "timed_out")
DELIVERY_STATUSES = ("pending", "delivered", "failed")
METER_UNITS = ("kWh", "GJ")
SUBMISSION_STATUSES = ("pending", "accepted", "rejected")
SAMPLE_STATUSES = ("selected", "invited", "consented", "declined", "measured")
SAMPLE_SOURCES = ("visit", "resident")
PHOTO_STATUSES = ("fetched", "failed", "refused", "expired")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    """The current time, aware, in UTC: the default for `created_at` columns nobody filled in
    (the company's clock, so a pinned evaluation stack stores the times its answers used)."""
    return clock.now().astimezone(timezone.utc)


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return `value` if it carries a time zone, else raise `InvalidInput`.

    A naive datetime is ambiguous (server zone? company zone? UTC?), and guessing wrong moves a
    deadline or a ticket's date by hours, so the store refuses it instead of guessing.
    """
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidInput(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


class UtcDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC, read back as aware UTC on every backend.

    PostgreSQL keeps `timestamptz` itself but returns it in the session's zone; SQLite has no zone
    at all and would hand back naive values. Normalising both to UTC here means callers can compare
    and subtract what they read without caring which database is behind the session.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = require_aware(value).astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Fixed2(TypeDecorator):
    """A NUMERIC(10, 2) (money, areas) read back as a `Decimal` on every backend.

    SQLite stores it as a float. A value of at most ten significant digits survives the float
    exactly, so it is rebuilt from the float's shortest repr; SQLAlchemy's own conversion would do
    the same but warn on every query that it might not.
    """

    impl = Numeric(10, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(10, 2, asdecimal=False))
        return dialect.type_descriptor(self.impl)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.01"))


def _json_default(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class JsonText(TypeDecorator):
    """JSON kept in a TEXT column, so transcripts and event details read the same on both backends.

    Chinese stays readable in the database (`ensure_ascii=False`); datetimes and decimals are
    written as ISO text and strings. Changes inside a loaded list are not tracked: assign anew.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, default=_json_default)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A CHECK that `column` holds one of `values`: the database refuses what the code would."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Account(Base):
    """A heating account (户): who lives where, and how the household is billed."""

    __tablename__ = "accounts"
    __table_args__ = (
        _one_of("billing_kind", BILLING_KINDS, "billing_kind"),
        Index("ix_accounts_community", "community"),
        Index("ix_accounts_phone", "phone"),
    )

    account_no = Column(String(12), primary_key=True)
    name = Column(String(64), nullable=False)
    phone = Column(String(11), nullable=False)
    community = Column(String(64), nullable=False)
    building = Column(String(16))
    unit = Column(String(16))
    room = Column(String(16))
    address = Column(String(255), nullable=False)
    area_m2 = Column(Fixed2, nullable=False)
    billing_kind = Column(String(8), nullable=False, default="area")
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)

    bills = relationship("Bill", order_by="Bill.season.desc()")
    payments = relationship("Payment", order_by="Payment.paid_at.desc()")


class Bill(Base):
    """What an account owes for one heating season (e.g. `2026-2027`) and how much is paid."""

    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("account_no", "season"),)

    id = Column(Integer, primary_key=True)
    account_no = Column(String(12), ForeignKey("accounts.account_no"), nullable=False)
    season = Column(String(9), nullable=False)
    amount_due = Column(Fixed2, nullable=False)
    amount_paid = Column(Fixed2, nullable=False, default=Decimal("0.00"))
    late_fee = Column(Fixed2, nullable=False, default=Decimal("0.00"))
    due_date = Column(Date, nullable=False)
    paid_at = Column(UtcDateTime)

    @property
    def outstanding(self) -> Decimal:
        """What is still to pay, late fee included; never negative (an overpayment is credit)."""
        owed = Decimal(self.amount_due) + Decimal(self.late_fee) - Decimal(self.amount_paid)
        return max(owed, Decimal("0.00"))


class Payment(Base):
    """One payment received for an account's season, through a channel such as 微信 or 营业厅."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_account_no_paid_at", "account_no", "paid_at"),)

    id = Column(Integer, primary_key=True)
    account_no = Column(String(12), ForeignKey("accounts.account_no"), nullable=False)
    season = Column(String(9), nullable=False)
    amount = Column(Fixed2, nullable=False)
    paid_at = Column(UtcDateTime, nullable=False)
    channel = Column(String(16), nullable=False)


class Outage(Base):
    """A heating stop, planned (maintenance) or an emergency, covering one or more communities."""

    __tablename__ = "outages"
    __table_args__ = (_one_of("kind", OUTAGE_KINDS, "kind"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)
    reason = Column(Text, nullable=False)
    starts_at = Column(UtcDateTime, nullable=False)
    expected_end_at = Column(UtcDateTime, nullable=False)
    ended_at = Column(UtcDateTime)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)

    areas = relationship(
        "OutageArea", cascade="all, delete-orphan", order_by="OutageArea.community", lazy="selectin"
    )

    @property
    def communities(self) -> list[str]:
        """The names of the communities this outage covers."""
        return [area.community for area in self.areas]


class OutageArea(Base):
    """One community covered by an outage."""

    __tablename__ = "outage_areas"
    __table_args__ = (Index("ix_outage_areas_community", "community"),)

    outage_id = Column(Integer, ForeignKey("outages.id", ondelete="CASCADE"), primary_key=True)
    community = Column(String(64), primary_key=True)


class Ticket(Base):
    """A repair (BX), complaint (TS), 测温 (CW), 报停 (BT), hand-off (RG), 查表 (CB) or 室温抽测
    visit (CY) request, with deadlines.

    `account_no` is not a foreign key: a caller may report a fault for an account the company has
    not imported yet, and the ticket must still be taken.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        _one_of("kind", TICKET_KINDS, "kind"),
        _one_of("status", TICKET_STATUSES, "status"),
        Index("ix_tickets_channel_sender_id", "channel", "sender_id"),
        Index("ix_tickets_status", "status"),
        Index("ix_tickets_account_no", "account_no"),
    )

    id = Column(Integer, primary_key=True)
    ticket_no = Column(String(14), nullable=False, unique=True)
    kind = Column(String(2), nullable=False)
    status = Column(String(16), nullable=False, default="new")
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    account_no = Column(String(12))
    phone = Column(String(32))  # a mobile, or a landline with area code and extension
    address = Column(String(255))
    community = Column(String(64))
    building = Column(String(16))
    unit = Column(String(16))
    room = Column(String(16))
    fault_type = Column(String(16))
    urgent = Column(Boolean, nullable=False, default=False)
    visit_start = Column(UtcDateTime)
    visit_end = Column(UtcDateTime)
    temperature = Column(Float)
    category = Column(String(32))
    description = Column(Text)
    transcript = Column(JsonText)
    first_reply_due = Column(UtcDateTime)
    on_site_due = Column(UtcDateTime)
    resolve_due = Column(UtcDateTime)
    dedup_key = Column(String(128), unique=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow)


class TicketEvent(Base):
    """One entry of a ticket's history (created, status, updated, alert, note …); append-only."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id", "ticket_id"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False)
    at = Column(UtcDateTime, nullable=False)
    kind = Column(String(16), nullable=False)
    actor = Column(String(128), nullable=False)
    detail = Column(JsonText)

    ticket = relationship(Ticket)


@event.listens_for(TicketEvent, "before_update")
@event.listens_for(TicketEvent, "before_delete")
def _refuse_history_rewrite(mapper: Any, connection: Any, target: TicketEvent) -> None:
    """The ticket history is evidence for deadlines and complaints: it is never edited."""
    raise StoreError(f"ticket events are append-only (event {target.id})")


class Subscription(Base):
    """A sender's wish to be told about outages and/or bills, for an account or a community."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("channel", "sender_id", "topic"),
        _one_of("topic", SUBSCRIPTION_TOPICS, "topic"),
        Index("ix_subscriptions_topic_active", "topic", "active"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    account_no = Column(String(12))
    community = Column(String(64))
    topic = Column(String(8), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    ended_at = Column(UtcDateTime)


class VerificationAttempt(Base):
    """One try at proving ownership of an account; failures are counted to stop guessing.

    `source` is the keyed hash of the widget address the try came from (none on other channels;
    `bot.channels.source`), and `alert` names the budget whose alert this failure raised
    (`company`, `source`), so every replica knows an alert was already sent in the window.
    """

    __tablename__ = "verification_attempts"
    __table_args__ = (
        Index("ix_verification_attempts_sender_at", "channel", "sender_id", "at"),
        Index("ix_verification_attempts_account_at", "account_no", "at"),
        Index("ix_verification_attempts_at", "at"),
        Index("ix_verification_attempts_source_at", "source", "at"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    account_no = Column(String(12), nullable=False)
    success = Column(Boolean, nullable=False)
    at = Column(UtcDateTime, nullable=False)
    source = Column(String(64), nullable=True)
    alert = Column(String(16), nullable=True)


class Binding(Base):
    """A verified link between a sender (WeChat OpenID, phone …) and an account it may query."""

    __tablename__ = "bindings"
    __table_args__ = (UniqueConstraint("channel", "sender_id", "account_no"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    account_no = Column(String(12), ForeignKey("accounts.account_no"), nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class TicketSequence(Base):
    """The last number given per ticket kind and local day; its row lock serialises numbering."""

    __tablename__ = "ticket_sequences"

    kind = Column(String(2), primary_key=True)
    day = Column(String(8), primary_key=True)
    last = Column(Integer, nullable=False)


class InboundMessage(Base):
    """One message a channel received, keyed by the provider's id, so a retry is never run twice.

    WeChat retries a slow request up to three times and SMS gateways up to ten; the first request
    claims the key, the answer is stored with it, and exactly one request (or the later push)
    takes it for delivery. Kept in the database so a restart in between does not forget it.
    A `running` claim holds until `lease_until`: a claimant that crashed leaves the message to
    whoever claims it after that (a provider's retry, or the scheduler, which tells the user).
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_key"),
        _one_of("state", INBOUND_STATES, "state"),
        Index("ix_inbound_messages_sender_received", "channel", "sender_id", "received_at"),
        Index("ix_inbound_messages_state_lease", "state", "lease_until"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    message_key = Column(String(160), nullable=False)
    sender_id = Column(String(128), nullable=False)
    state = Column(String(16), nullable=False, default="running")
    received_at = Column(UtcDateTime, nullable=False)
    reply = Column(JsonText)
    answered_at = Column(UtcDateTime)
    delivered_at = Column(UtcDateTime)
    delivered_via = Column(String(16))
    lease_until = Column(UtcDateTime)  # NULL on rows claimed before leases (migration 0009)


class OutboundMessage(Base):
    """One message sent (or refused) outside a request's own reply: pushes, SMS, notices.

    The log is what an operator reads when a user says they were never told, and what the
    WeChat customer-service window (five messages per 48 hours) is counted from.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        _one_of("status", OUTBOUND_STATUSES, "status"),
        Index("ix_outbound_messages_recipient_at", "channel", "recipient", "sent_at"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False)
    purpose = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    template_id = Column(String(64))
    body = Column(JsonText)
    error = Column(String(255))
    dedup_key = Column(String(160), unique=True)
    sent_at = Column(UtcDateTime, nullable=False)


class Suppression(Base):
    """An address (phone number, OpenID) that opted out: nothing but the one confirmation again."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    address = Column(String(128), nullable=False)
    word = Column(String(16), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class PendingChoice(Base):
    """The numbered options a text-only channel last showed a sender (buttons degraded to text)."""

    __tablename__ = "pending_choices"

    channel = Column(String(32), primary_key=True)
    sender_id = Column(String(128), primary_key=True)
    options = Column(JsonText, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class ApiToken(Base):
    """A provider's access token (WeChat `stable_token`), cached once for every process."""

    __tablename__ = "api_tokens"

    name = Column(String(64), primary_key=True)
    value = Column(String(1024), nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)


class Survey(Base):
    """The satisfaction follow-up (回访) of a finished ticket: asked once, rated 1–5 at most once.

    A low rating opens a follow-up ticket for a person; its number is kept here so the report can
    tell which dissatisfied users were called back.
    """

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
        Index("ix_surveys_sender", "channel", "sender_id"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, unique=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    asked_at = Column(UtcDateTime, nullable=False)
    answer_by = Column(UtcDateTime, nullable=False)
    rating = Column(Integer)
    comment = Column(Text)
    answered_at = Column(UtcDateTime)
    follow_up_ticket_no = Column(String(14))


class CommunityLocation(Base):
    """Where a community lies, in degrees as WeChat reports a shared location.

    WeChat gives GCJ-02 coordinates in mainland China; they differ from WGS-84 (GPS) by a few
    hundred metres, well inside the radius a location is matched within, so either may be stored.
    A user who shares a location instead of naming the community is answered about the nearest
    one; communities without a row here are never matched that way.
    """

    __tablename__ = "community_locations"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude"),
    )

    community = Column(String(64), primary_key=True)
    latitude = Column(Float, nullable=False)
    longitude = Column(Float, nullable=False)


class Agent(Base):
    """A person who takes over conversations in the console; the role decides what they see.

    Only a salted scrypt hash of the password is kept (`bot.console.auth`). `online` and
    `last_seen_at` come from the console's heartbeat: an agent whose page stopped polling is taken
    offline and their conversations go back to the queue.
    """

    __tablename__ = "agents"
    __table_args__ = (_one_of("role", AGENT_ROLES, "role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(64), nullable=False)
    role = Column(String(16), nullable=False, default="agent")
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    online = Column(Boolean, nullable=False, default=False)
    last_seen_at = Column(UtcDateTime)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class ConsoleSession(Base):
    """One login of an agent to the console; its cookie is honoured only while this row exists.

    Logging out, a new password or a disabled account deletes the row, and every console process
    then refuses the cookie; so does a login idle for longer than the console allows. `key` is a
    hash of the session id in the cookie: a copy of this table logs nobody in.
    """

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_agent_id", "agent_id"),)

    key = Column(String(64), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    last_seen_at = Column(UtcDateTime, nullable=False)


class ConsoleLoginFailure(Base):
    """One console login that failed (or is still being checked), counted per client address and
    per username to slow password guessing, by every console process alike.

    Both are keyed hashes (`bot.console.auth.throttle_key`): no address or typed username is kept.
    """

    __tablename__ = "console_login_failures"
    __table_args__ = (
        Index("ix_console_login_failures_address_key_at", "address_key", "at"),
        Index("ix_console_login_failures_username_key_at", "username_key", "at"),
        Index("ix_console_login_failures_at", "at"),
    )

    id = Column(Integer, primary_key=True)
    address_key = Column(String(64), nullable=False)
    username_key = Column(String(64), nullable=False)
    at = Column(UtcDateTime, nullable=False)


class HandoffSession(Base):
    """One hand-off of a conversation to people: queued, held by an agent, then closed.

    `summary` is what the bot had collected (fault, address, phone, account, tickets) when it
    handed over; the transcript itself stays in Rasa's tracker, which keeps every message. A
    session opened for an urgent ticket (`ticket_no`) does not pause the bot until an agent picks
    it; `paused` says whether the bot is silent for this conversation now. One ticket opens at most
    one session.
    """

    __tablename__ = "handoff_sessions"
    __table_args__ = (
        _one_of("status", HANDOFF_STATUSES, "status"),
        CheckConstraint("urgency BETWEEN 0 AND 2", name="urgency"),
        Index("ix_handoff_sessions_status_urgency_created", "status", "urgency", "created_at"),
        Index("ix_handoff_sessions_channel_sender_id", "channel", "sender_id"),
        Index("ix_handoff_sessions_agent_id", "agent_id"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    status = Column(String(16), nullable=False, default="queued")
    urgency = Column(Integer, nullable=False, default=0)
    reason = Column(String(32), nullable=False)
    targets = Column(String(64), nullable=False)
    paused = Column(Boolean, nullable=False, default=True)
    summary = Column(JsonText)
    ticket_no = Column(String(14), unique=True)
    agent_id = Column(Integer, ForeignKey("agents.id"))
    external_agent = Column(String(64))
    callback_ticket_no = Column(String(14))
    created_at = Column(UtcDateTime, nullable=False)
    pickup_due = Column(UtcDateTime, nullable=False)
    picked_at = Column(UtcDateTime)
    closed_at = Column(UtcDateTime)
    updated_at = Column(UtcDateTime, nullable=False)

    agent = relationship(Agent)


class HandoffEvent(Base):
    """One step of a hand-off (queued, picked, reply, transfer, reveal, closed …); append-only.

    Revealing a masked phone or account number is logged here with who and when. `external_id`
    is the call centre's id of an inbound event, unique, so a repeated webhook call acts once.
    """

    __tablename__ = "handoff_events"
    __table_args__ = (Index("ix_handoff_events_session_id", "session_id"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("handoff_sessions.id"), nullable=False)
    at = Column(UtcDateTime, nullable=False)
    kind = Column(String(16), nullable=False)
    actor = Column(String(128), nullable=False)
    detail = Column(JsonText)
    external_id = Column(String(64), unique=True)


@event.listens_for(HandoffEvent, "before_update")
@event.listens_for(HandoffEvent, "before_delete")
def _refuse_handoff_history_rewrite(mapper: Any, connection: Any, target: HandoffEvent) -> None:
    """Who saw which number and who said what to a user is evidence: it is never edited."""
    raise StoreError(f"hand-off events are append-only (event {target.id})")


class WebhookDelivery(Base):
    """A signed event for the call centre's webhook, kept until it is delivered or given up.

    The hand-off action only writes the row; the console process posts it and retries with
    growing pauses, so a slow or absent call centre never holds up a conversation, and a restart
    loses nothing.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        _one_of("status", DELIVERY_STATUSES, "status"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("handoff_sessions.id"), nullable=False)
    event = Column(String(32), nullable=False)
    body = Column(JsonText, nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime, nullable=False)
    delivered_at = Column(UtcDateTime)
    last_error = Column(String(255))
    created_at = Column(UtcDateTime, nullable=False)


class ServiceHall(Base):
    """A service hall (营业厅 / 服务网点) residents visit for 过户, 报停, 开栓, invoices, payment.

    The registry is the company's file (`python -m bot import halls`), so the nested parts are
    kept as it writes them: `hours` is the weekly schedule plus seasonal ones (JSON, see
    bot/store/halls_import.py), `documents` overrides the company-wide list per service.
    Coordinates are what a WeChat location is compared with (GCJ-02, like `community_locations`).
    """

    __tablename__ = "service_halls"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    district = Column(String(32))
    address = Column(String(255), nullable=False)
    latitude = Column(Float, nullable=False)
    longitude = Column(Float, nullable=False)
    phone = Column(String(32), nullable=False)
    communities = Column(JsonText, nullable=False)
    services = Column(JsonText, nullable=False)
    hours = Column(JsonText, nullable=False)
    documents = Column(JsonText)
    note = Column(Text)
    updated_at = Column(UtcDateTime, nullable=False)


class ServiceHallDay(Base):
    """Days on which halls keep other hours than their week: a holiday, a closure, a 调休 workday.

    `hall_id` NULL applies to every hall (法定节假日); a hall's own row for the same day wins.
    `hours` NULL means closed, else a list of `[open, close]` times.
    """

    __tablename__ = "service_hall_days"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="span"),
        Index("ix_service_hall_days_hall_id", "hall_id"),
    )

    id = Column(Integer, primary_key=True)
    hall_id = Column(Integer, ForeignKey("service_halls.id", ondelete="CASCADE"))
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    name = Column(String(64), nullable=False)
    hours = Column(JsonText)


class HallService(Base):
    """A service residents come to a hall for (过户, 报停 …): the words they use for it and what to
    bring, company-wide; a hall may list other documents (`ServiceHall.documents`)."""

    __tablename__ = "hall_services"

    name = Column(String(16), primary_key=True)
    aliases = Column(JsonText, nullable=False)
    documents = Column(JsonText, nullable=False)
    note = Column(Text)


class Meter(Base):
    """A heat meter (热计量表) of a metered account, as the company's reading system knows it.

    Readings are kept in the meter's own unit (`kWh` or `GJ`), as its display shows them, so a
    resident's reading and the company's can be compared without conversion.
    """

    __tablename__ = "meters"
    __table_args__ = (
        _one_of("unit", METER_UNITS, "unit"),
        Index("ix_meters_account_no", "account_no"),
    )

    meter_no = Column(String(32), primary_key=True)
    account_no = Column(String(12), ForeignKey("accounts.account_no"), nullable=False)
    unit = Column(String(4), nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class MeterReading(Base):
    """A cumulative reading from the company's reading system (the source of truth for 查表).

    Only the importer writes here; a resident's own reading goes to `MeterReadingSubmission`.
    """

    __tablename__ = "meter_readings"
    __table_args__ = (UniqueConstraint("meter_no", "read_at"),)

    id = Column(Integer, primary_key=True)
    meter_no = Column(String(32), ForeignKey("meters.meter_no"), nullable=False)
    read_at = Column(UtcDateTime, nullable=False)
    value = Column(Fixed2, nullable=False)


class MeterReadingSubmission(Base):
    """A reading a resident gave (number, optional WeChat photo), kept for a person to review.

    It never changes the company's readings: reviewing it sets `status`, nothing else. The
    `dedup_key` is the message's, so a channel's retry stores it once.
    """

    __tablename__ = "meter_reading_submissions"
    __table_args__ = (
        _one_of("status", SUBMISSION_STATUSES, "status"),
        Index("ix_meter_reading_submissions_meter_no", "meter_no"),
        Index("ix_meter_reading_submissions_status", "status"),
    )

    id = Column(Integer, primary_key=True)
    meter_no = Column(String(32), ForeignKey("meters.meter_no"), nullable=False)
    account_no = Column(String(12), nullable=False)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    value = Column(Fixed2, nullable=False)
    written = Column(String(64), nullable=False)  # the reading as the resident wrote it
    photo_media_id = Column(String(128))
    status = Column(String(16), nullable=False, default="pending")
    dedup_key = Column(String(160), unique=True)
    submitted_at = Column(UtcDateTime, nullable=False)


class RoomTempSample(Base):
    """One household of a 室温抽测 (room-temperature sampling) campaign, and its result.

    The company picks households (import), the bot invites each on its channel with a visit
    window, the household agrees or declines, and the measured room temperature is recorded
    (`source` `visit`: measured by staff; `resident`: reported by the household). `standard_c`
    is the policy's minimum when the result was recorded, so `meets_standard` stays true to the
    rule of its day. The quality report computes 室温达标率 by community from the `measured` rows
    (the community is the account's: join `accounts`).
    """

    __tablename__ = "room_temp_samples"
    __table_args__ = (
        UniqueConstraint("campaign", "account_no"),
        _one_of("status", SAMPLE_STATUSES, "status"),
        CheckConstraint("source IS NULL OR source IN ('visit', 'resident')", name="source"),
        Index("ix_room_temp_samples_channel_recipient", "channel", "recipient"),
    )

    id = Column(Integer, primary_key=True)
    campaign = Column(String(64), nullable=False)
    account_no = Column(String(12), ForeignKey("accounts.account_no"), nullable=False)
    visit_start = Column(UtcDateTime, nullable=False)
    visit_end = Column(UtcDateTime, nullable=False)
    status = Column(String(16), nullable=False, default="selected")
    channel = Column(String(32))
    recipient = Column(String(128))
    invited_at = Column(UtcDateTime)
    answered_at = Column(UtcDateTime)
    measured_at = Column(UtcDateTime)
    temperature_c = Column(Float)
    standard_c = Column(Float)
    meets_standard = Column(Boolean)
    source = Column(String(16))
    photo_media_id = Column(String(128))
    ticket_no = Column(String(14))  # the CY (室温抽测) visit ticket opened on consent
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class Photo(Base):
    """A resident's photo (a meter's dial, a thermometer) kept from WeChat's temporary media.

    WeChat serves a media id for 3 days only; the scheduler fetches the photos that readings
    and samples name (bot.services.photos) so staff can look at them when they review. One row
    per media id, written by the fetch: `fetched` (the bytes, their type and SHA-256), `failed`
    (`attempts` so far, the next at `next_attempt_at`), `refused` (WeChat served no image, or
    one over the size cap: not tried again) or `expired` (WeChat's 3 days from `received_at`
    passed, or WeChat said the id is gone).
    """

    __tablename__ = "photos"
    __table_args__ = (
        _one_of("status", PHOTO_STATUSES, "status"),
        CheckConstraint(
            "status <> 'fetched' OR (content IS NOT NULL AND content_type IS NOT NULL "
            "AND sha256 IS NOT NULL AND fetched_at IS NOT NULL)",
            name="fetched_content",
        ),
        Index("ix_photos_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    media_id = Column(String(128), nullable=False, unique=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128))  # the conversation the photo came from, when known
    received_at = Column(UtcDateTime, nullable=False)  # WeChat's 3 days count from here
    status = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime)
    last_error = Column(String(255))
    content = Column(LargeBinary)
    content_type = Column(String(32))
    size = Column(Integer)
    sha256 = Column(String(64))
    fetched_at = Column(UtcDateTime)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class ConversationEvent(Base):
    """A user message or bot action as Rasa published it to RabbitMQ, for the quality report.

    Written by `python -m bot events consume` (bot/analytics.py), so the report reads the ticket
    store instead of Rasa's tracker tables (another database in production, several replicas
    writing it). The broker delivers at least once: `dedup_key` makes a repeat a no-op.
    """

    __tablename__ = "conversation_events"
    __table_args__ = (Index("ix_conversation_events_timestamp", "timestamp"),)

    id = Column(Integer, primary_key=True)
    dedup_key = Column(String(255), nullable=False, unique=True)
    sender_id = Column(String(128), nullable=False)
    type_name = Column(String(32), nullable=False)
    timestamp = Column(Float, nullable=False)
    intent_name = Column(String(255))
    action_name = Column(String(255))
