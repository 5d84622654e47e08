"""室温抽测 in the conversation: a sampled household answers its invitation with 同意 / 不方便.

The invitation is a notice the company sent (`bot.services.sampling.invite`), so no offer of the
bot's own is pending in the conversation; a yes or no that answers no offer is taken as the
answer to an invitation still waiting for one (`answer_sampling_invitation`).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, in_db, policy
from bot.base import clock
from bot.services.sampling import answer_invitation


async def answer_sampling_invitation(
    dispatcher: CollectingDispatcher, tracker: Tracker, agree: bool
) -> bool:
    """Record the reply to this sender's open invitation and confirm it; False when none."""
    answer = await in_db(
        answer_invitation, channel_of(tracker), tracker.sender_id, agree, clock.now()
    )
    if answer is None:
        return False
    if answer.status == "consented":
        dispatcher.utter_message(
            response="utter_sampling_consented",
            window=clock.format_window(answer.visit_start, answer.visit_end),
        )
    else:
        dispatcher.utter_message(
            response="utter_sampling_declined", hotline=policy().company.hotline
        )
    return True
