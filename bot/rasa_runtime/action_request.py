"""Patch `action_request`: the action server request carries the last turns' events, and its
domain part is serialised once per model.

Every custom action call serialised every event of the session for the action server
(docs/performance.md, second round); `tracker_window.ActionServerView` bounds them. The domain
sent with every call went through `json.dumps` each time (fourth round). The request and the
sender that encodes it (`EndpointConfig.request`) are replaced together.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_runtime import tracker_window
from bot.rasa_runtime.patch import Patch

#: Rasa's own implementations, the references.
RASA_CALL_FORMAT = RemoteAction._action_call_format
RASA_REQUEST = EndpointConfig.request


def _action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    """Rasa's action server request, with the events of the last turns only; its domain part
    is serialised once per domain (`_ActionCall`)."""
    body = _ActionCall(RASA_CALL_FORMAT(self, tracker_window.ActionServerView(tracker), domain))
    if "domain" in body:
        body["domain"] = _serialised_domain(domain)[0]
    return body


class _ActionCall(dict[str, Any]):
    """An action server request body that `_request` sends as JSON text built from a cached
    serialisation of its domain: the domain (28 kB of JSON here) went through `json.dumps` on
    every action call, 6 % of the Rasa server's main thread under the WeChat load. The text
    parses to the same object as `json.dumps` of the dict (the domain comes last). It assumes
    what Rasa 3.6 does: a loaded Domain's `as_dict()` never changes (a new model is a new Domain
    object) and nothing edits a request body's domain in place."""

    def encoded(self) -> bytes:
        """The body as JSON, the domain's text reused while it is the cached domain dict."""
        domain = self.get("domain")
        cached = _domain_cache[0] if _domain_cache else None
        if domain is None or cached is None or domain is not cached[1] or len(self) < 2:
            return json.dumps(self).encode()
        rest = json.dumps({key: value for key, value in self.items() if key != "domain"})
        return f'{rest[:-1]}, "domain": {cached[2]}}}'.encode()


#: The last domain sent: (the Domain, its `as_dict()`, that dict as JSON text).
_domain_cache: list[tuple[Domain, dict[str, Any], str]] = []


def _serialised_domain(domain: Domain) -> tuple[dict[str, Any], str]:
    """`domain.as_dict()` and its JSON text, computed once per Domain object (a new model
    brings a new one)."""
    if not _domain_cache or _domain_cache[0][0] is not domain:
        as_dict = domain.as_dict()
        _domain_cache[:] = [(domain, as_dict, json.dumps(as_dict))]
    return _domain_cache[0][1], _domain_cache[0][2]


async def _request(
    self: EndpointConfig,
    method: str = "post",
    subpath: str | None = None,
    content_type: str | None = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Any:
    """Rasa's `EndpointConfig.request`; an `_ActionCall` body goes out as its `encoded()` text
    under the same JSON content type."""
    body = kwargs.get("json")
    if isinstance(body, _ActionCall) and content_type:
        del kwargs["json"]
        kwargs["data"] = body.encoded()
    return await RASA_REQUEST(self, method, subpath, content_type, compress, **kwargs)


PATCH = Patch(
    "action_request",
    (
        (RemoteAction, "_action_call_format", _action_call_format),
        (EndpointConfig, "request", _request),
    ),
)
