"""The public NLU vocabulary of ../shared/spec/nlu-contract.md, in one place.

Other systems (the agent console, reports, the evaluation sets) depend on these names, so the
training data, the policy's FAQ answers and the checks all read them from here; a test compares
this module with the contract file itself.
"""

from __future__ import annotations

#: Intents the contract names (`faq` is the retrieval intent of the FAQ keys below).
CONTRACT_INTENTS: frozenset[str] = frozenset(
    {
        "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope",
        "query_fee", "query_outage", "report_repair", "request_temp_check", "file_complaint",
        "query_ticket", "cancel_ticket", "request_human", "apply_stop_heating", "bind_account",
        "unsubscribe", "inform", "faq", "query_meter", "report_meter_reading",
    }
)  # fmt: skip
#: Intents this project adds where users need them (the contract allows additions).
PROJECT_INTENTS: frozenset[str] = frozenset(
    {"correct_info", "rate_service", "subscribe", "query_subscriptions", "report_meter_problem"}
)

#: FAQ keys (`faq/<key>`), in the contract's order.
FAQ_KEYS: tuple[str, ...] = (
    "heating_season",
    "payment_channels",
    "fee_standard",
    "invoice",
    "account_transfer",
    "late_fee",
    "room_temp_standard",
    "stop_heating_policy",
    "hotline",
    "heat_metering",
)

#: FAQ keys this project adds (answered from the policy like the contract's own).
PROJECT_FAQ_KEYS: tuple[str, ...] = ("refund",)
#: Every FAQ key the assistant answers.
ALL_FAQ_KEYS: tuple[str, ...] = FAQ_KEYS + PROJECT_FAQ_KEYS

ENTITIES: frozenset[str] = frozenset(
    {"account_no", "phone", "address", "fault_type", "time", "ticket_no", "temperature"}
)
#: Normalised values of the `fault_type` entity (`leak` is urgent).
FAULT_TYPES: tuple[str, ...] = ("no_heat", "leak", "valve", "noise", "air", "other")
#: Entities this project adds: `rating` (1–5) comes from the survey's buttons, `kb_topic` from
#: the knowledge base's topic buttons (`/faq{"kb_topic":"<key>"}`).
PROJECT_ENTITIES: frozenset[str] = frozenset({"rating", "kb_topic"})
