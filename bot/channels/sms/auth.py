"""Who may post callbacks: whoever knows the secret the operator configured.

Providers cannot all sign requests, so two proofs are accepted (either one suffices):
- `?token=<SMS_CALLBACK_SECRET>` in the callback URL registered with the provider;
- header `X-SMS-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>` (the bare
  hex digest is accepted too), for a relay or a provider that signs.

Comparisons are constant-time. No proof at all is `MISSING` (401); a wrong one `INVALID` (403).

Prefer the header where the sender can set it: the secret never travels. A URL reaches logs (Sanic
writes it in its access log, and in its error log for a request that raised), so `bot.privacy`
masks the values of `token=` and other secret parameters in every log record, and the channel's
handler lets no exception reach Sanic.
"""

from __future__ import annotations

import enum
import hashlib
import hmac

SIGNATURE_HEADER = "X-SMS-Signature"
TOKEN_PARAM = "token"


class Verdict(enum.Enum):
    """The outcome of checking a callback's proof of origin."""

    OK = "ok"
    MISSING = "missing"
    INVALID = "invalid"


def sign(secret: str, body: bytes) -> str:
    """The header value that proves `body` came from someone holding `secret`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def authenticate(secret: str, body: bytes, token: str | None, signature: str | None) -> Verdict:
    """Check the query token and the signature header; either one valid is enough."""
    if not token and not signature:
        return Verdict.MISSING
    if token and _same(token, secret):
        return Verdict.OK
    if signature:
        expected = sign(secret, body)
        given = signature.strip().lower()
        if not given.startswith("sha256="):
            given = "sha256=" + given
        if _same(given, expected):
            return Verdict.OK
    return Verdict.INVALID
