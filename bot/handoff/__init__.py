"""Hand-off to people: when the bot gives a conversation to an agent, and the rules around it.

`rules` (pure) orders the queue, decides who may see and do what, and estimates waits;
`triggers` (pure) spots a frustrated user; `messages` holds what the user is told. The state
changes on the store: `queue` (the action's request, urgent tickets), `desk` (what an agent sees),
`moves` (pick, reply, transfer, close), `agent_tickets`, `agents` (presence), `timeouts` and
`callcentre` (the call centre's moves), all built on `transitions` and returning `views`. The
console (`bot.console`) and the hand-off action (`actions.conversation`) are thin callers of these.

The core announces each change (opened, picked, closed, timed out) on `hooks` and knows no
listener. The call-centre `webhook` listens here, where the package loads, so that every process
that changes hand-offs (action server, console, scheduler) writes the call centre's outbox without
an entry point having to remember it.
"""

from bot.handoff import hooks, webhook

hooks.subscribe(webhook.record_change)
