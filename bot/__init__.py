"""The heating company's customer-service assistant: channels, business rules, store, tools.

Importing the package makes the process keep its data in: its log records are masked
(phone and account numbers, OpenIDs, URL secrets) and Rasa's telemetry is off unless an operator
set RASA_TELEMETRY_ENABLED=true (bot.privacy). Every process that runs the project's code imports
it first: the command line and the stack it starts, the Rasa server (through the channels in
credentials.yml), the action server (through `actions`), tests and benchmarks; so a new entry
point cannot forget it.
"""

from bot.privacy import install_log_masking, keep_telemetry_off

install_log_masking()
keep_telemetry_off()
