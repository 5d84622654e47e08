"""Hand-off to people: when the bot gives a conversation to an agent, and the rules around it.

`rules` (pure) orders the queue, decides who may see and do what, and estimates waits;
`triggers` (pure) spots a frustrated user; `messages` holds what the user is told; `service` runs
the state changes on the store; `webhook` signs and posts events for a call centre. The console
(`bot.console`) and the hand-off action (`actions.conversation`) are thin callers of these.
"""
