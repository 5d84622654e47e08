"""The data layer: SQLAlchemy models, the schema's migrations and the queries the bot runs.

Nothing here imports Rasa, the channels, the console or the actions, so every process (Rasa server,
action server, console, CLI) can share it. Operations are plain functions that take a `Session`
and an explicit `now`, so the caller owns the transaction and tests control the clock.
"""
