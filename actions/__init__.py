"""Custom actions for the heating assistant (rasa-sdk action server).

Conversation glue only; the business rules live in `bot/` where the console and the CLI reuse them.
Importing the package masks phone and account numbers in the action server's log output.
"""

from bot.privacy import install_log_masking

install_log_masking()
