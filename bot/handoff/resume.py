"""Giving a conversation back to the bot, and telling a user their agent left.

Both the console (an agent closes, releases, logs out; the call centre closes) and the
scheduler's hand-off jobs (a time-out, an agent gone offline, a resume that failed before) end
a hand-off this way, so the user hears the same thing whoever ended it.
"""

from __future__ import annotations

from bot.handoff import messages, moves, rules
from bot.handoff.rasa import RasaClient, RasaError
from bot.handoff.transcript import bot_message
from bot.handoff.views import HandoffView
from bot.store.db import in_session

#: Resuming ends with `action_listen`: the action that paused the bot was the last one Rasa ran,
#: and without a listen the policies would read the next message as coming straight after it.
RESUME = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


async def give_back(rasa: RasaClient, handoff: HandoffView, text: str) -> str | None:
    """Tell the user `text` and resume the bot; `None`, or why the text could not be delivered.

    The resume matters more than the text: when the channel refuses the message (WeChat's window
    is closed), the bot is resumed without it, so the user is never left talking to nobody.
    """
    if not handoff.paused:
        return None
    undelivered = None
    try:
        await rasa.append(handoff.sender_id, [bot_message(text), *RESUME], handoff.channel)
    except RasaError as exc:
        undelivered = str(exc)
        await rasa.append(handoff.sender_id, RESUME, handoff.channel)
    await in_session(moves.mark_paused, handoff.id, False)
    return undelivered


async def tell_requeued(rasa: RasaClient, handoff: HandoffView, pickup_minutes: int) -> str | None:
    """Tell the user their agent left and they wait again; `None`, or why it was not delivered.

    Without it the widget would go on naming an agent who is no longer there. Channels that count
    or charge each message (rules.announces_handover) are not told, as for 接入 and 转接.
    """
    if not rules.announces_handover(handoff.channel):
        return None
    try:
        await rasa.append(
            handoff.sender_id, [bot_message(messages.requeued(pickup_minutes))], handoff.channel
        )
    except RasaError as exc:
        return str(exc)
    return None
