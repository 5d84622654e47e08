"""The SMS channel's settings, read from the environment and checked when the Rasa server starts.

A bad value stops the server with a message naming the variable; an unset callback secret only
disables the channel (its webhook answers 503), so a deployment without SMS still starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot.channels.limits import max_body_bytes
from bot.config import ConfigError
from bot.policy import Policy, load_policy

#: Gateways a sender exists for. Aliyun's and Tencent's own send APIs need their SDK request
#: signatures (see `sender.py`); until one is plugged in, operators run a relay that speaks `http`.
GATEWAYS = ("http",)
DEFAULT_GENERIC_TEMPLATE = "SMS_GENERIC"
_MIN_SECRET = 16
# Providers accept signature names of 2 to 12 characters.
_SIGNATURE = re.compile(r"^【?([^【】\s]{2,12})】?$")


@dataclass(frozen=True)
class TemplateIds:
    """Provider template ids: one per response name, and the generic `{content}` template.

    The operator fills the file after the provider approved each template; a response without an
    id of its own goes out through the generic template with its whole text as `content`.
    """

    generic: str = DEFAULT_GENERIC_TEMPLATE
    responses: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmsSettings:
    """The validated settings; `secret` is `None` when the channel is disabled.

    `policy` is the service policy whose `sms` limits the channel keeps; `max_body_bytes` the
    largest callback body it reads (`HEATING_MAX_BODY_BYTES`).
    """

    secret: str | None
    signature: str
    gateway: str
    api_base: str | None
    templates: TemplateIds
    policy: Policy
    max_body_bytes: int

    @property
    def sign_name(self) -> str:
        """The signature as the provider's APIs take it, without the 【】 the handset shows."""
        return self.signature.strip("【】")


def load_template_ids(path: Path) -> TemplateIds:
    """Read `SMS_TEMPLATE_FILE`: `generic: <id>` and `responses: {utter_…: <id>}`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"SMS_TEMPLATE_FILE={str(path)!r} cannot be read: {exc}") from exc
    if not isinstance(raw, dict) or set(raw) - {"generic", "responses"}:
        raise ConfigError(
            f"SMS_TEMPLATE_FILE={str(path)!r} must be a mapping with keys 'generic' and 'responses'"
        )
    generic = raw.get("generic", DEFAULT_GENERIC_TEMPLATE)
    responses = raw.get("responses") or {}
    if not isinstance(generic, str) or not generic.strip():
        raise ConfigError(f"SMS_TEMPLATE_FILE={str(path)!r}: 'generic' must be a template id")
    if not isinstance(responses, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in responses.items()
    ):
        raise ConfigError(
            f"SMS_TEMPLATE_FILE={str(path)!r}: 'responses' must map response names to template ids"
        )
    return TemplateIds(generic.strip(), {k: v.strip() for k, v in responses.items()})


def default_signature() -> str:
    """The active service policy's company signature (`company.sms_signature`), in 【】."""
    return f"【{load_policy().company.sms_signature}】"


def load_sms_settings(environ: Mapping[str, str] | None = None) -> SmsSettings:
    """The settings from `environ` (default: the process environment), else `ConfigError`."""
    env = os.environ if environ is None else environ
    secret = env.get("SMS_CALLBACK_SECRET", "").strip() or None
    if secret is not None and len(secret) < _MIN_SECRET:
        raise ConfigError(f"SMS_CALLBACK_SECRET must be at least {_MIN_SECRET} characters long")

    raw_signature = env.get("SMS_SIGNATURE", "").strip() or default_signature()
    match = _SIGNATURE.match(raw_signature)
    if match is None:
        raise ConfigError(
            f"SMS_SIGNATURE must be the approved signature, 2 to 12 characters, e.g. "
            f"【示例热力】; got {raw_signature!r}"
        )
    signature = f"【{match.group(1)}】"

    gateway = env.get("SMS_GATEWAY", "").strip().lower() or "http"
    if gateway not in GATEWAYS:
        raise ConfigError(
            f"SMS_GATEWAY must be one of {', '.join(GATEWAYS)}, got {gateway!r} (Aliyun and "
            "Tencent send APIs need their SDK signatures: run a relay that takes the http body)"
        )

    api_base = env.get("SMS_API_BASE", "").strip().rstrip("/") or None
    if api_base is not None:
        parts = urlsplit(api_base)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(f"SMS_API_BASE must be an http(s):// URL, got {api_base!r}")
    elif secret is not None:
        raise ConfigError("SMS_API_BASE must be set when SMS_CALLBACK_SECRET enables the channel")

    template_file = env.get("SMS_TEMPLATE_FILE", "").strip()
    templates = load_template_ids(Path(template_file)) if template_file else TemplateIds()
    return SmsSettings(
        secret, signature, gateway, api_base, templates, load_policy(), max_body_bytes(dict(env))
    )
