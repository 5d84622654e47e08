"""Notices the assistant starts on its own: outages, reminders, breach apologies, surveys.

`templates` holds every text, `delivery` queues a notice once per person and delivers it through
the channel's `Sender` (`senders`, registered in `registry`) with opt-outs, rate limits and
retries; `outages` and `reminders` decide what to say and when. See docs/service-standard.md.
"""
