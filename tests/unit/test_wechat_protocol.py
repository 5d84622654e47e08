"""WeChat signatures and safe-mode crypto, against the published vectors in spec/channels.md."""

from __future__ import annotations

import base64

import pytest

from bot.channels.wechat.protocol import (
    BadCiphertext,
    BadSignature,
    WrongAppId,
    check_msg_signature,
    check_signature,
    decode_aes_key,
    decrypt,
    encrypt,
    signature,
)

# Published vectors (wechatpy's tests, quoted in ../shared/spec/channels.md).
TOKEN, AES_KEY_TEXT, APP_ID = (
    "123456",
    "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    "wx49f0ab532d5d035a",
)
TIMESTAMP, NONCE = "1411525903", "461056294"
MSG_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
ENCRYPTED = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXz"
    "F6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYN"
    "x410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjH"
    "nwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zC"
    "pQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
REPLY_PLAINTEXT = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
    "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n"
    "<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n"
    "<CreateTime>1411525903</CreateTime>\n</xml>"
)
AES_KEY = decode_aes_key(AES_KEY_TEXT)


def test_url_signature_vector_is_accepted_and_a_changed_one_rejected() -> None:
    assert signature("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")
    with pytest.raises(BadSignature):
        check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", "1410685589", "test")


@pytest.mark.parametrize("given", [None, "", "f21891de"])
def test_missing_or_short_signature_is_rejected(given: str | None) -> None:
    with pytest.raises(BadSignature):
        check_signature("test", given, "1410685589", "test")


def test_published_encrypted_message_checks_and_decrypts() -> None:
    check_msg_signature(TOKEN, MSG_SIGNATURE, TIMESTAMP, NONCE, ENCRYPTED)
    message = decrypt(AES_KEY, APP_ID, ENCRYPTED).decode()

    assert "<FromUserName><![CDATA[messense]]></FromUserName>" in message
    assert "<Content><![CDATA[test]]></Content>" in message
    assert "<MsgId>4363689963896700987</MsgId>" in message


def test_msg_signature_covers_the_encrypted_body() -> None:
    with pytest.raises(BadSignature):
        check_msg_signature(TOKEN, MSG_SIGNATURE, TIMESTAMP, NONCE, ENCRYPTED[:-4] + "AAA=")
    with pytest.raises(BadSignature):
        check_msg_signature("654321", MSG_SIGNATURE, TIMESTAMP, NONCE, ENCRYPTED)


def test_published_encryption_vector_is_reproduced() -> None:
    sealed = encrypt(AES_KEY, APP_ID, REPLY_PLAINTEXT.encode(), random_prefix=b"1234567890123456")

    assert signature(TOKEN, TIMESTAMP, NONCE, sealed) == "407518b7649e86ef23978113f92d27afa9296533"
    assert decrypt(AES_KEY, APP_ID, sealed).decode() == REPLY_PLAINTEXT


def test_encryption_round_trip_pads_to_32_bytes_and_uses_a_fresh_prefix() -> None:
    message = "暖气不热".encode()
    first, second = encrypt(AES_KEY, APP_ID, message), encrypt(AES_KEY, APP_ID, message)

    assert first != second  # random prefix
    assert len(base64.b64decode(first)) % 32 == 0
    assert decrypt(AES_KEY, APP_ID, first) == decrypt(AES_KEY, APP_ID, second) == message


def test_message_sealed_for_another_app_id_is_refused() -> None:
    with pytest.raises(WrongAppId):
        decrypt(AES_KEY, "wx0000000000000000", ENCRYPTED)


@pytest.mark.parametrize(
    "sealed",
    ["not base64!", "", base64.b64encode(b"x" * 15).decode(), base64.b64encode(b"x" * 32).decode()],
    ids=["not-base64", "empty", "partial-block", "garbage-padding"],
)
def test_malformed_ciphertext_is_refused(sealed: str) -> None:
    with pytest.raises(BadCiphertext):
        decrypt(AES_KEY, APP_ID, sealed)


@pytest.mark.parametrize(
    "key", ["short", AES_KEY_TEXT + "A", "*" * 43], ids=["short", "long", "not-base64"]
)
def test_aes_key_must_decode_to_32_bytes(key: str) -> None:
    with pytest.raises(ValueError):
        decode_aes_key(key)
    assert len(AES_KEY) == 32
