"""Custom actions for the heating assistant (rasa-sdk action server).

Conversation glue only; the business rules live in `bot/` where the console and the CLI reuse them.
The action server's log output is masked and Rasa's telemetry kept off by importing `bot`
(bot/__init__.py), which every action module does.
"""
