"""Who may post SMS callbacks: the query token or the HMAC-SHA256 signature of the raw body."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.channels.sms.auth import Verdict, authenticate, sign

SECRET = "s3cret-for-the-sms-callbacks"
BODY = '[{"content":"暖气不热"}]'.encode()


def test_the_signature_is_hmac_sha256_of_the_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY) == f"sha256={expected}"


def test_a_correct_token_or_signature_is_enough() -> None:
    assert authenticate(SECRET, BODY, SECRET, None) is Verdict.OK
    assert authenticate(SECRET, BODY, None, sign(SECRET, BODY)) is Verdict.OK
    bare_upper = sign(SECRET, BODY).removeprefix("sha256=").upper()
    assert authenticate(SECRET, BODY, None, bare_upper) is Verdict.OK
    assert authenticate(SECRET, BODY, "wrong", sign(SECRET, BODY)) is Verdict.OK


def test_no_proof_is_missing() -> None:
    assert authenticate(SECRET, BODY, None, None) is Verdict.MISSING
    assert authenticate(SECRET, BODY, "", "") is Verdict.MISSING


@pytest.mark.parametrize(
    ("token", "signature"),
    [
        ("wrong", None),
        (SECRET[:-1], None),
        (SECRET + "x", None),
        (None, sign("another-secret-entirely", BODY)),
        (None, sign(SECRET, BODY + b" ")),
        (None, "sha256="),
        (None, "not hex at all"),
        (None, "sha256=令牌"),
        ("令牌", None),
    ],
)
def test_a_wrong_proof_is_invalid(token: str | None, signature: str | None) -> None:
    assert authenticate(SECRET, BODY, token, signature) is Verdict.INVALID
