"""Prometheus metrics of the assistant's processes (prometheus-client, its default registry).

- Rasa server: `heating_messages_total{channel}` and `heating_turn_seconds{channel}` (from a user
  message's arrival to its turn being stored), recorded by the tracker store, the one place every
  turn of every channel passes; served at `/webhooks/metrics/` by `bot.channels.metrics`
  (scraped on each replica, never through the load balancer, which refuses that path).
- Scheduler: rounds by role (leader / standby), failed jobs, notices sent per channel and
  delivery failures (WeChat push failures among them), at `/metrics` on its health port.
- Broker consumer: events stored, at `/metrics` on its health port.
- Agents' console: hand-offs waiting (the queue length, the same for every console process) and
  the wait until an agent picks one, at `/metrics`.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

MESSAGES = Counter("heating_messages", "User messages whose turn was stored", ["channel"])
TURN_SECONDS = Histogram(
    "heating_turn_seconds",
    "Seconds from a user message's arrival to its turn being stored",
    ["channel"],
    buckets=(0.25, 0.5, 1, 2, 3, 5, 10, 20, 60),
)
SCHEDULER_ROUNDS = Counter("heating_scheduler_rounds", "Scheduler rounds", ["role"])
SCHEDULER_FAILED_JOBS = Counter("heating_scheduler_failed_jobs", "Failed scheduler jobs", ["job"])
NOTICES_SENT = Counter("heating_notices_sent", "Notices delivered", ["channel"])
NOTICE_FAILURES = Counter(
    "heating_notice_failures", "Notice deliveries that failed", ["outcome"]
)  # outcome: retrying (will be tried again) or failed (given up)


EVENTS_CONSUMED = Counter(
    "heating_events_consumed", "Events the broker consumer stored for the report"
)


HANDOFFS_QUEUED = Gauge(
    "heating_handoffs_queued", "Hand-off sessions waiting for an agent (read at each scrape)"
)
HANDOFF_WAIT_SECONDS = Histogram(
    "heating_handoff_wait_seconds",
    "Seconds from a hand-off request to an agent picking it",
    buckets=(30, 60, 120, 300, 600, 900, 1800, 3600),
)


def exposition() -> tuple[bytes, str]:
    """The process's metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
