"""`python -m bot.policy [name-or-path]`: check a policy file and preview what customers will read.

A company editing its file wants to know before a restart whether the bot will accept it and how
the answers now read; this prints either the one error (file and key) or every FAQ answer.
"""

from __future__ import annotations

import sys

from bot.policy.faq import FAQ_KEYS, faq_answer, refund_policy_text
from bot.policy.loader import PolicyError, load_policy


def main(argv: list[str] | None = None) -> int:
    """Validate the named policy (default: the configured one); 0 when valid, 1 with the error."""
    args = sys.argv[1:] if argv is None else argv
    try:
        policy = load_policy(args[0] if args else None, fresh=True)
    except PolicyError as exc:
        print(f"invalid policy: {exc}", file=sys.stderr)
        return 1
    print(f"OK: {policy.source} ({policy.city}, {policy.company.name})")
    for key in FAQ_KEYS:
        print(f"\n[{key}]\n{faq_answer(policy, key)}")
    print(f"\n[refund]\n{refund_policy_text(policy)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
