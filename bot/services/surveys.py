"""The satisfaction follow-up (回访): asking after a ticket is done, and recording the answer.

When a ticket is done, the user who opened it is asked, on the same channel, to rate the service
1–5 (buttons whose payloads are `/rate_service{"rating":"N"}`; text channels show them as numbered
options, so replying "5" works), with an optional comment. Answers are accepted until the
policy's follow-up deadline (`follow_up.working_days` working days after closing). Each ticket
gets one survey, answered at most once. A rating of `follow_up.low_rating_max` or less opens an
RG (人工回访) ticket, so a person calls the household back within the first-reply deadline; RG is
the kind whose whole job is that call, where a TS complaint would claim the user complained.
RG tickets themselves are not surveyed (the call-back is the follow-up).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.base.untrusted import plain_text
from bot.nlu.numbers import chinese_to_arabic
from bot.notify.delivery import Notice, queue_notice, who
from bot.policy import TICKET_KINDS, Policy, follow_up_due, load_policy
from bot.services.tickets import open_ticket
from bot.store import surveys as survey_store
from bot.store import tickets as ticket_store
from bot.store.models import Survey, Ticket, TicketEvent
from bot.store.tickets import TicketDraft

logger = logging.getLogger(__name__)

RATINGS = range(1, 6)
RATING_TITLES = ("非常不满意", "不满意", "一般", "满意", "非常满意")
"""Button titles for ratings 1…5, in that order, so option number N is rating N."""
SURVEYED_KINDS = tuple(kind for kind in TICKET_KINDS if kind != "RG")
FOLLOW_UP_KIND = "RG"
# The policy allows at most 30 working days to answer: under 60 calendar days with any holiday.
_LOOKBACK = timedelta(days=60)
_COMMENT_MAX = 500
_COMMENT_EDGES = " \t\r\n,，.。!！:：;；、~～-—"

RECORDED, OUT_OF_RANGE, NO_SURVEY, ALREADY_ANSWERED, EXPIRED = (
    "recorded",
    "out_of_range",
    "no_survey",
    "already_answered",
    "expired",
)


def rating_payload(rating: int) -> str:
    """The button payload of `rating`: the `rate_service` intent with its `rating` entity."""
    return f'/rate_service{{"rating":"{rating}"}}'


def rating_buttons() -> tuple[dict[str, str], ...]:
    """The five answer buttons, rating 1 first."""
    return tuple(
        {"title": title, "payload": rating_payload(rating)}
        for rating, title in zip(RATINGS, RATING_TITLES, strict=True)
    )


def closed_at(session: Session, ticket: Ticket) -> datetime:
    """When the done ticket was closed: its last status change (`done` is final)."""
    at: datetime | None = (
        session.execute(
            select(TicketEvent.at)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "status")
            .order_by(TicketEvent.id.desc())
        )
        .scalars()
        .first()
    )
    updated: datetime = ticket.updated_at
    return at or updated


def _ticket_of(session: Session, survey: Survey) -> Ticket:
    ticket: Ticket = session.get(Ticket, survey.ticket_id)
    return ticket


def open_survey(session: Session, policy: Policy, ticket: Ticket, now: datetime) -> Survey | None:
    """Open the survey of a done ticket and queue its question on the ticket's channel.

    Idempotent: a ticket that has a survey gets it back and nothing is sent again. `None` for a
    ticket not surveyed (not done, an RG call-back) or whose answer window has already passed.
    """
    if ticket.status != "done" or ticket.kind not in SURVEYED_KINDS:
        return None
    answer_by = follow_up_due(policy, closed_at(session, ticket))
    if now >= answer_by:
        return None
    survey, created = survey_store.open_survey(session, ticket, now, answer_by)
    if created:
        notice = Notice(
            key=f"survey:{ticket.ticket_no}",
            purpose="survey",
            template="survey_question",
            variables={"ticket_no": ticket.ticket_no},
            buttons=rating_buttons(),
            expires_at=answer_by,
        )
        outcome = queue_notice(session, ticket.channel, ticket.sender_id, notice, now)
        logger.info(
            "survey of %s opened for %s (%s), answers until %s",
            ticket.ticket_no,
            who(ticket.channel, ticket.sender_id),
            outcome,
            answer_by.isoformat(timespec="minutes"),
        )
    return survey


def open_due_surveys(session: Session, policy: Policy, now: datetime) -> list[str]:
    """Open the survey of every recently done ticket that has none; their ticket numbers."""
    opened = []
    for ticket in survey_store.done_without_survey(session, now - _LOOKBACK, SURVEYED_KINDS):
        if open_survey(session, policy, ticket, now) is not None:
            opened.append(ticket.ticket_no)
    return opened


@dataclass(frozen=True)
class RatingResult:
    """What became of a rating: `status` is one of the module's constants.

    `follow_up_ticket_no` is set when the rating was low and a call-back ticket was opened.
    """

    status: str
    ticket_no: str | None = None
    rating: int | None = None
    follow_up_ticket_no: str | None = None

    @property
    def recorded(self) -> bool:
        """Whether the rating was stored."""
        return self.status == RECORDED


def parse_rating(value: object) -> int | None:
    """The rating as a whole number 1–5 (`"５"` and `" 4 "` too), else `None`."""
    text = unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""
    if not text.isdigit() or int(text) not in RATINGS:
        return None
    return int(text)


_NUMBER = "[1-5１-５一二三四五]"
_EDGE = r"[\s,，.。!！:：;；、~～\-—]*"
_UNIT = re.compile(r"\s*(?:颗星|分|星)?")  # what may follow a rating's number: 5分, 五星
_RATING_PATTERNS = (
    re.compile(rf"(?:评分|打|给|评价)\s*[:：]?\s*({_NUMBER})\s*(?:分|颗星|星)?"),
    re.compile(rf"({_NUMBER})\s*(?:分|颗星|星)"),
    # A bare digit only at either end (`5`, `满意 5`): inside a sentence it counts something else.
    re.compile(rf"^{_EDGE}([1-5１-５])(?![0-9０-９])"),
    re.compile(rf"(?<![0-9０-９])([1-5１-５]){_EDGE}$"),
)
# Words people rate with: the option titles, longest first so 不满意 is not read as 满意.
_RATING_WORDS = sorted(
    {
        **{title: rating for rating, title in zip(RATINGS, RATING_TITLES, strict=True)},
        "不太满意": 2,
        "差评": 1,
        "好评": 5,
        "满分": 5,
    }.items(),
    key=lambda item: -len(item[0]),
)


def rating_in_text(text: str) -> tuple[int, tuple[int, int] | None] | None:
    """A rating the user typed (`给4分`, `五星`, `3`, `不满意`) and the span of its number.

    Numbers win over words (`不满意，打2分` is 2). A rating read from a word has no span: the
    word is part of what the user has to say. Used when NLU found no `rating` entity.
    """
    for pattern in _RATING_PATTERNS:
        match = pattern.search(text)
        if match:
            rating = parse_rating(chinese_to_arabic(match.group(1)))
            if rating is not None:
                return rating, match.span()
    for word, rating in _RATING_WORDS:
        if word in text:
            return rating, None
    return None


def comment_from(text: str, span: tuple[int, int] | None = None) -> str | None:
    """The user's comment: the message, minus the rating's `span` when it opens or closes it.

    `5分，师傅很耐心` → 师傅很耐心; `我打4分吧，就是来得有点晚` stays whole, since cutting the
    number out of the middle would garble it. A button payload (`/rate_service{…}`) has none.
    """
    if text.lstrip().startswith("/"):
        return None
    if span is not None:
        unit = _UNIT.match(text, span[1])  # an entity may end at the digit, before its 分
        before, after = text[: span[0]], text[unit.end() if unit else span[1] :]
        if not before.strip(_COMMENT_EDGES):
            text = after
        elif not after.strip(_COMMENT_EDGES):
            text = before
    comment = re.sub(r"\s+", " ", text).strip(_COMMENT_EDGES)
    return comment[:_COMMENT_MAX] or None


def _follow_up(session: Session, policy: Policy, survey: Survey, rating: int, now: datetime) -> str:
    """Open the call-back ticket of a low rating; its number."""
    original: Ticket = _ticket_of(session, survey)
    description = f"工单{original.ticket_no}满意度评价{rating}分"
    if survey.comment:
        description += f"：{survey.comment}"
    draft = TicketDraft(
        kind=FOLLOW_UP_KIND,
        channel=survey.channel,
        sender_id=survey.sender_id,
        dedup_key=f"survey:{survey.id}:follow_up",
        account_no=original.account_no,
        phone=original.phone,
        address=original.address,
        community=original.community,
        building=original.building,
        unit=original.unit,
        room=original.room,
        category="满意度回访",
        description=description,
    )
    return open_ticket(session, policy, draft, now).ticket_no


def record_rating(
    session: Session,
    channel: str,
    sender_id: str,
    rating: object,
    comment: str | None,
    now: datetime,
    *,
    policy: Policy | None = None,
) -> RatingResult:
    """Record the sender's rating on their latest survey still open, or say why not.

    The open survey is the newest unanswered one whose window has not closed. Without one, the
    result says whether the newest survey was already answered or has expired (or there is
    none); a rating outside 1–5 is refused without touching the survey. A low rating opens the
    call-back ticket. `policy` defaults to the configured one.
    """
    policy = policy or load_policy()
    surveys = survey_store.surveys_of_sender(session, channel, sender_id)
    survey = next((s for s in surveys if s.rating is None and now <= s.answer_by), None)
    if survey is not None:
        session.refresh(survey, with_for_update=True)  # two answers at once: one wins
    if survey is None or survey.rating is not None:
        if not surveys:
            return RatingResult(NO_SURVEY)
        latest = survey or surveys[0]
        number = _ticket_of(session, latest).ticket_no
        status = ALREADY_ANSWERED if latest.rating is not None else EXPIRED
        return RatingResult(status, number, latest.rating)
    number = _ticket_of(session, survey).ticket_no
    value = parse_rating(rating)
    if value is None:
        return RatingResult(OUT_OF_RANGE, number)
    survey.rating, survey.answered_at = value, now
    # plain text: low ratings' comments go whole into the report's workbook and CSV
    survey.comment = plain_text(comment or "")[:_COMMENT_MAX] or None
    follow_up = None
    if value <= policy.follow_up.low_rating_max:
        follow_up = _follow_up(session, policy, survey, value, now)
        survey.follow_up_ticket_no = follow_up
    session.flush()
    logger.info(
        "survey of %s rated %d by %s%s",
        number,
        value,
        who(channel, sender_id),
        f"; call-back ticket {follow_up}" if follow_up else "",
    )
    ticket_store.add_event(
        session,
        _ticket_of(session, survey),
        now,
        "rated",
        f"{channel}:{sender_id}",
        {"rating": value, "follow_up_ticket_no": follow_up},
    )
    return RatingResult(RECORDED, number, value, follow_up)
