"""The console's routes, one Sanic blueprint per concern, wired together by `bot.console.app`.

`pages` (the static pages and their scripts), `probes` (health and metrics), `session` (logging
in and out, and the login check every other route passes), `conversations` (the queue, one
conversation, an agent's moves and tickets), `report` (the quality report), `readings`
(residents' own readings under review and their photos), `applications` (staff's word on the
ownership of an application filed without the 户号), `callcentre` (the call centre's signed
inbound events). Every route needs an open login unless it is declared with `ctx_public=True`.
"""
