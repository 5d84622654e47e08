"""Messages a crash left unanswered: the sender is told, on their channel, to send them again.

A WeChat or SMS message is claimed in the inbound ledger before its turn runs (bot.store.inbound).
When the process running the turn dies, the claim's lease runs out; a provider's retry that comes
after that runs the message again, but WeChat stops retrying after 15 seconds and an SMS gateway
that got its acknowledgement never retries. So the scheduler takes the messages whose lease is
over, marks them failed and queues a notice (`message_lost`) that says the message was not dealt
with and asks for it again: the user is never left believing an unanswered message was handled.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify.delivery import Notice, queue_notice
from bot.notify.templates import moment_text
from bot.policy import Policy
from bot.store.inbound import Abandoned, take_over_expired

PURPOSE = "lost_message"


def lost_notice(policy: Policy, message: Abandoned) -> Notice:
    """The notice telling the sender of `message` that it was not dealt with."""
    return Notice(
        key=f"lost:{message.row_id}",
        purpose=PURPOSE,
        template="message_lost",
        variables={"at": moment_text(message.received_at), "hotline": policy.company.hotline},
    )


def tell_lost_messages(session: Session, policy: Policy, now: datetime) -> int:
    """Take over the messages whose lease is over and queue a notice to each sender (none to one
    who opted out); how many messages were taken over."""
    lost = take_over_expired(session, now)
    for message in lost:
        queue_notice(session, message.channel, message.sender_id, lost_notice(policy, message), now)
    return len(lost)
