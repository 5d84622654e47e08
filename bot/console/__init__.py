"""The agents' console: a Sanic app in its own process (`python -m bot console`).

Agents log in, see the queue ordered by urgency and waiting time, read a conversation's transcript
from Rasa, reply (Rasa delivers on the user's own channel), open or correct tickets, transfer, and
end the conversation, which gives the user back to the bot. The console keeps no timer: the
scheduler's hand-off jobs (`bot.handoff.jobs`) requeue the conversations of agents who went
offline, turn unanswered ones into call-back tickets, and post the call centre's webhook events.
Rules live in `bot.handoff`; the routes here (`bot.console.routes`) only authenticate, call them,
and talk to Rasa.
"""
