"""WeChat's signatures and message encryption (安全模式), as pure functions.

Everything here follows the Official Account push-URL rules (../shared/spec/channels.md, checked
against wechatpy's published test vectors). Comparisons of signatures are constant-time, and every
way a ciphertext can be wrong (base64, block size, padding, length field, AppID) raises the same
family of errors, so a forged body is refused before anything reads it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32 bytes, not AES's 16
_RANDOM_PREFIX = 16


class ProtocolError(ValueError):
    """A request that does not follow WeChat's protocol; it must not reach the conversation."""


class BadSignature(ProtocolError):
    """A signature is missing or does not match: not from WeChat (answer 403)."""


class BadCiphertext(ProtocolError):
    """An `Encrypt` value that does not decrypt to a well-formed message (answer 400)."""


class WrongAppId(ProtocolError):
    """The message decrypted but was sealed for another account (answer 403)."""


def signature(*parts: str) -> str:
    """WeChat's signature: SHA-1 (hex) of the parts sorted as strings and concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_signature(token: str, given: str | None, timestamp: str, nonce: str) -> None:
    """Raise `BadSignature` unless `given` signs `timestamp` and `nonce` with `token`."""
    _compare(given, signature(token, timestamp, nonce))


def check_msg_signature(
    token: str, given: str | None, timestamp: str, nonce: str, encrypted: str
) -> None:
    """Raise `BadSignature` unless `given` signs the encrypted body as well (safe mode)."""
    _compare(given, signature(token, timestamp, nonce, encrypted))


def _compare(given: str | None, expected: str) -> None:
    if not given or not hmac.compare_digest(given.lower().encode(), expected.encode()):
        raise BadSignature("signature does not match")


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind the 43-character EncodingAESKey; `ValueError` if it is not one."""
    if len(encoding_aes_key) != 43:
        raise ValueError(f"it must be 43 characters long, got {len(encoding_aes_key)}")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ValueError("it is not base64 text") from None
    if len(key) != 32:
        raise ValueError(f"it must decode to 32 bytes, got {len(key)}")
    return key


def _cipher(aes_key: bytes) -> Cipher[modes.CBC]:
    return Cipher(algorithms.AES(aes_key), modes.CBC(aes_key[:16]))


def encrypt(aes_key: bytes, app_id: str, message: bytes, random_prefix: bytes | None = None) -> str:
    """Seal `message` for WeChat: base64 of AES-256-CBC over prefix + length + message + AppID.

    `random_prefix` (16 bytes) is only given by tests reproducing a published vector.
    """
    prefix = os.urandom(_RANDOM_PREFIX) if random_prefix is None else random_prefix
    if len(prefix) != _RANDOM_PREFIX:
        raise ValueError("the random prefix must be 16 bytes")
    plain = prefix + struct.pack(">I", len(message)) + message + app_id.encode("utf-8")
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = _cipher(aes_key).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(aes_key: bytes, app_id: str, encrypted: str) -> bytes:
    """The message inside an `Encrypt` value, after checking its padding, length and AppID."""
    try:
        sealed = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise BadCiphertext("Encrypt is not base64") from None
    if not sealed or len(sealed) % 16:
        raise BadCiphertext("Encrypt is not a whole number of AES blocks")
    decryptor = _cipher(aes_key).decryptor()
    plain = decryptor.update(sealed) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise BadCiphertext("bad padding")
    body = plain[_RANDOM_PREFIX:-pad]
    if len(body) < 4:
        raise BadCiphertext("too short")
    (length,) = struct.unpack(">I", body[:4])
    if length > len(body) - 4:
        raise BadCiphertext("length field exceeds the message")
    message, sender = body[4 : 4 + length], body[4 + length :]
    if not hmac.compare_digest(sender, app_id.encode("utf-8")):
        raise WrongAppId("the message was sealed for another AppID")
    return message
