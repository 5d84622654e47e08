"""Reminders: the heating season is about to start, and this season's bill is still unpaid.

Both go through the same path as every notice (`bot.notify.delivery`): queued once per person
(the notice key names the season, so a reminder repeats only in the next season), opt-outs
honoured, delivered by the scheduler. They are sent from the policy's reminder day until the
event itself, so a scheduler that was down on the first day still sends them.

- Season start: `notices.season_reminder_days` before `season.start`, to every subscriber of
  outage notices (heating starting is the same kind of news as heating stopping).
- Bill: `notices.bill_reminder_days` before `payment.deadline`, to every bill subscriber whose
  account's bill for the season is not fully paid. The text names the account masked and no
  amount: a subscription is not proof that the subscriber may see the bill.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.base.clock import local
from bot.notify.delivery import FanOut, Notice, fan_out, queue_notice
from bot.policy import Policy, next_season_start, payment_due_date, season_label
from bot.privacy import mask_account
from bot.store.accounts import unpaid_accounts
from bot.store.subscriptions import active_subscribers

logger = logging.getLogger(__name__)

PURPOSE = "reminder"


def _day_text(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _end_of(day: date, now: datetime) -> datetime:
    """Midnight after `day` in the zone of `now`: a reminder is useless after its day."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=now.tzinfo)


def season_reminder(policy: Policy, now: datetime) -> Notice | None:
    """The season-start reminder, from its reminder day until the season starts; else `None`."""
    today = local(now).date()
    start = next_season_start(policy, today)
    if today < start - timedelta(days=policy.notices.season_reminder_days):
        return None
    label = season_label(policy, start)
    return Notice(
        key=f"season:{label}:start",
        purpose=PURPOSE,
        template="season_start",
        variables={"season": label, "start": _day_text(start)},
        expires_at=_end_of(start, local(now)),
    )


def bill_reminder_season(policy: Policy, now: datetime) -> tuple[str, date] | None:
    """The season whose bill reminders are due now and its payment deadline; else `None`."""
    today = local(now).date()
    deadline = payment_due_date(policy, today)
    if not deadline - timedelta(days=policy.notices.bill_reminder_days) <= today <= deadline:
        return None
    return season_label(policy, today), deadline


def queue_reminders(session: Session, policy: Policy, now: datetime) -> FanOut:
    """Queue every reminder due now (each person once per season); what was queued."""
    result = FanOut()
    notice = season_reminder(policy, now)
    if notice is not None:
        result.extend(fan_out(session, "outage", None, notice, now))
    due = bill_reminder_season(policy, now)
    if due is not None:
        season_name, deadline = due
        unpaid = unpaid_accounts(session, season_name)
        for subscription in active_subscribers(session, "bill", None):
            account_no = subscription.account_no
            if account_no not in unpaid:
                continue
            bill = Notice(
                key=f"bill:{season_name}:{account_no}",
                purpose=PURPOSE,
                template="bill_reminder",
                variables={
                    "account": mask_account(account_no),
                    "season": season_name,
                    "deadline": _day_text(deadline),
                },
                expires_at=_end_of(deadline, local(now)),
            )
            channel, recipient = subscription.channel, subscription.sender_id
            result.add(channel, queue_notice(session, channel, recipient, bill, now))
    if result.queued:
        logger.info("reminders: %s", result.summary())
    return result
