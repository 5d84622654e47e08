"""The self-help knowledge base: answers the company writes, with the policy's values filled in.

Why YAML templates instead of code (as `bot.policy.faq` builds its answers): a heating company
rewrites these texts often — a new subsidy office, another way to bleed a radiator — and must be
able to do so without a programmer. The numbers in them still come from the policy file through
placeholders (`{hotline}`, `{measure_hours}`, `{faq[invoice]}` for a whole policy-built answer),
so an answer can never promise a deadline the tickets are not held to.

Files (`KNOWLEDGE_DIR`):

* `common.yml` — every topic: `title` (the button text), `answer` (the template) and, optional,
  `facets`: short answers to the follow-ups a resident asks right after the answer (要钱吗 →
  `cost`, 多久能办好 → `duration`, 去哪办 → `where`, 要带啥 → `documents`, 要本人去吗 →
  `in_person`, `FACETS`); plus `facet_unknown` (per facet, the line for a topic without that
  facet, with `{title}`), `values` (named texts any template may use) and `retrieval` (the
  calibrated thresholds);
* `<policy name>.yml` (`beijing.yml`, `tianjin.yml`, optional) — that city's `values`, whole
  `answers` and `facets` (topic → facet → text) that replace the common ones.

Loading is strict like the policy loader's: an unknown placeholder, an answer over
`MAX_ANSWER_CHARS`, or one that names no next step (`NEXT_STEP_MARKERS`) stops the process with a
message naming the file and the topic. The questions that reach a topic are NLU training data
(`data/nlu/kb_*.yml`, `faq/<key>`); docs/knowledge-base.md explains both halves.
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from bot.contract import ALL_FAQ_KEYS
from bot.policy.faq import faq_answer
from bot.policy.loader import load_policy
from bot.policy.model import MonthDay, Policy

__all__ = [
    "FACETS",
    "KNOWLEDGE_DIR",
    "MAX_ANSWER_CHARS",
    "NEXT_STEP_MARKERS",
    "KnowledgeBase",
    "KnowledgeError",
    "Retrieval",
    "Topic",
    "load_knowledge",
    "policy_values",
]

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"
#: An answer is one chat bubble (an SMS is split beyond 70 characters anyway).
MAX_ANSWER_CHARS = 220
#: Every answer tells the resident where to go next: a service hall or something to send the bot
#: (a “quoted” command such as “我要报修”) — or the hotline or duty line, checked by number.
NEXT_STEP_MARKERS = ("营业厅", "“")
#: What a short follow-up to an answer asks (bot.services.follow_ups): what it costs, how long it
#: takes, where (or through which channel) it is done, what to bring, whether the person must go.
FACETS = ("cost", "duration", "where", "documents", "in_person")


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and the topic."""


@dataclass(frozen=True)
class Topic:
    """One self-help topic: its key (`faq/<key>` in the NLU data), button title and template."""

    key: str
    title: str
    answer: str
    facets: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Retrieval:
    """How sure the NLU must be to answer a topic outright, and what the fallback offers.

    `answer_confidence`: the key model's probability at or above which the top topic is answered;
    below it the resident is offered up to `offer` topics whose probability is at least
    `offer_confidence` (at least two are always offered). Calibrated on the dev paraphrase set
    (docs/knowledge-base.md).
    """

    answer_confidence: float
    offer: int
    offer_confidence: float


@dataclass(frozen=True)
class KnowledgeBase:
    """One policy's topics, rendered against that policy."""

    policy: Policy
    topics: Mapping[str, Topic]
    values: Mapping[str, str]
    retrieval: Retrieval
    facet_unknown: Mapping[str, str] = field(default_factory=dict)

    def answer(self, key: str) -> str:
        """The answer to topic `key` with the policy's values in it; unknown key → `KeyError`."""
        return _render(self.topics[key].answer, self.policy, self.values)

    def facet(self, key: str, facet: str) -> str | None:
        """Topic `key`'s short answer to a follow-up asking `facet` (one of `FACETS`), None when
        the topic has none."""
        template = self.topics[key].facets.get(facet)
        return None if template is None else _render(template, self.policy, self.values)

    def follow_up(self, key: str, facet: str) -> str:
        """What a follow-up asking `facet` about topic `key` is told: the topic's facet, else the
        `facet_unknown` line (the facet is not known for this topic; where to ask)."""
        known = self.facet(key, facet)
        if known is not None:
            return known
        values = {**self.values, "title": self.topics[key].title}
        return _render(self.facet_unknown[facet], self.policy, values)

    def title(self, key: str) -> str:
        """The topic's short title (what a fallback button shows)."""
        return self.topics[key].title


def _day(day: MonthDay) -> str:
    return day.zh()


def _n(value: float) -> str:
    return f"{round(value, 4):g}"


def policy_values(policy: Policy) -> dict[str, str]:
    """The placeholders a template may use, from the policy (docs/knowledge-base.md lists them)."""
    stop = policy.stop_heating
    base_fee = (
        "按当地规定的基础热费"
        if stop.base_fee_share is None
        else f"采暖费的{_n(stop.base_fee_share * 100)}%"
    )
    return {
        "city": policy.city,
        "company": policy.company.name,
        "hotline": policy.company.hotline,
        "hotline_hours": policy.company.hotline_hours,
        "duty_phone": policy.emergency.duty_phone,
        "fire_phone": policy.emergency.fire_phone,
        "ambulance_phone": policy.emergency.ambulance_phone,
        "season_start": _day(policy.season.start),
        "season_end": _day(policy.season.end),
        "payment_deadline": _day(policy.payment.deadline),
        "payment_channels": "、".join(policy.payment.channels),
        "stop_deadline": _day(stop.apply_deadline),
        "stop_base_fee": base_fee,
        "stop_working_days": str(stop.process_working_days),
        "area_price": _n(policy.fees.area_price_per_m2),
        "area_basis": policy.fees.area_basis,
        "room_min": f"{_n(policy.room_temperature.minimum_c)}℃",
        "first_reply_hours": _n(policy.response.first_reply_hours),
        "measure_hours": _n(policy.room_temp_complaint.measure_hours),
        "repair_hours": _n(policy.repair.fix_hours),
        "major_repair_hours": _n(policy.repair.major_fix_hours),
        "leak_hours": _n(policy.leak.on_site_hours),
        "refund_hours": _n(policy.refund.not_fixed_within_hours),
        "complaint_close_hours": _n(policy.complaint.close_hours),
        "planned_stop_days": str(policy.notices.planned_stop_days),
        "emergency_notice_hours": _n(policy.notices.emergency_hours),
        "invoice_kind": policy.invoice.kind,
        "invoice_how": policy.invoice.how,
        "transfer_documents": "、".join(policy.account_transfer.documents),
        "transfer_where": policy.account_transfer.where,
    }


class _FaqAnswers(Mapping[str, str]):
    """`{faq[key]}`: a policy-built FAQ answer (bot.policy.faq), built only when a template asks."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def __getitem__(self, key: str) -> str:
        return faq_answer(self._policy, key)

    def __iter__(self) -> Iterator[str]:
        return iter(ALL_FAQ_KEYS)

    def __len__(self) -> int:
        return len(ALL_FAQ_KEYS)


def _render(template: str, policy: Policy, values: Mapping[str, str]) -> str:
    fields = {**policy_values(policy), **values, "faq": _FaqAnswers(policy)}
    return template.format_map(fields).strip()


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


#: Spaces YAML folding (`>-`) leaves where a line was broken between two Chinese characters (or a
#: Chinese character and a placeholder).
_FOLD_SPACE = re.compile(r"(?<=[^\x00-\x7f]|\})\s+(?=[^\x00-\x7f]|\{)")


def _unfold(text: str) -> str:
    """An answer as written, without the spaces a folded YAML block puts between Chinese lines."""
    return _FOLD_SPACE.sub("", text.strip())


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping at the top")
    return data


def _texts(data: dict[str, Any], key: str, source: str) -> dict[str, str]:
    section = data.get(key) or {}
    if not isinstance(section, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in section.items()
    ):
        raise KnowledgeError(f"{source}: `{key}` must map names to texts")
    return dict(section)


def _facets(section: Any, where: str) -> dict[str, str]:
    """A topic's `facets` (facet → template), each facet one of `FACETS`."""
    if section is None:
        return {}
    if not isinstance(section, dict) or not all(
        isinstance(v, str) and v.strip() for v in section.values()
    ):
        raise KnowledgeError(f"{where}: `facets` must map facets to texts")
    unknown = sorted(set(section) - set(FACETS))
    if unknown:
        raise KnowledgeError(f"{where}: unknown facet {unknown[0]} (known: {', '.join(FACETS)})")
    return {str(k): _unfold(v) for k, v in section.items()}


def _topics(data: dict[str, Any], source: str) -> dict[str, Topic]:
    section = data.get("topics")
    if not isinstance(section, dict) or not section:
        raise KnowledgeError(f"{source}: `topics` must map topic keys to a title and an answer")
    topics = {}
    for key, body in section.items():
        if not isinstance(body, dict) or not {"title", "answer"} <= set(body) <= {
            "title",
            "answer",
            "facets",
        }:
            raise KnowledgeError(
                f"{source}: topic {key} needs `title` and `answer` (and may have `facets`)"
            )
        if not all(isinstance(body[f], str) and body[f].strip() for f in ("title", "answer")):
            raise KnowledgeError(f"{source}: topic {key}: `title` and `answer` must be texts")
        facets = _facets(body.get("facets"), f"{source}: topic {key}")
        topics[str(key)] = Topic(str(key), body["title"].strip(), _unfold(body["answer"]), facets)
    return topics


def _facet_unknown(data: dict[str, Any], source: str) -> dict[str, str]:
    """`facet_unknown`: a line for every facet, said of a topic that does not know it."""
    section = _texts(data, "facet_unknown", source)
    missing = [facet for facet in FACETS if facet not in section]
    if missing:
        raise KnowledgeError(f"{source}: `facet_unknown` needs a line for {missing[0]}")
    return {k: _unfold(v) for k, v in section.items()}


def _retrieval(data: dict[str, Any], source: str) -> Retrieval:
    section = data.get("retrieval") or {}
    try:
        retrieval = Retrieval(
            float(section["answer_confidence"]),
            int(section["offer"]),
            float(section["offer_confidence"]),
        )
    except (TypeError, KeyError, ValueError):
        raise KnowledgeError(
            f"{source}: `retrieval` needs answer_confidence, offer and offer_confidence"
        ) from None
    if not (0 < retrieval.answer_confidence <= 1 and 0 <= retrieval.offer_confidence <= 1):
        raise KnowledgeError(f"{source}: retrieval confidences must be between 0 and 1")
    if retrieval.offer not in (2, 3):
        raise KnowledgeError(f"{source}: retrieval.offer must be 2 or 3")
    return retrieval


def _names_next_step(text: str, policy: Policy) -> bool:
    phones = (policy.company.hotline, policy.emergency.duty_phone)
    return any(marker in text for marker in (*NEXT_STEP_MARKERS, *phones))


def _check(kb: KnowledgeBase, source: str) -> None:
    """Render every topic, facet and `facet_unknown` line now, so a mistake stops the start
    instead of one resident's answer."""
    known = {*policy_values(kb.policy), *kb.values, "faq"}
    for topic in kb.topics.values():
        where = f"{source}: topic {topic.key}"
        _check_text(f"{where}: answer", topic.answer, partial(kb.answer, topic.key), known, kb)
        for facet, template in topic.facets.items():
            render = partial(_render, template, kb.policy, kb.values)
            _check_text(f"{where}: facet {facet}", template, render, known, kb)
    longest = {**kb.values, "title": max((t.title for t in kb.topics.values()), key=len)}
    for facet, template in kb.facet_unknown.items():
        render = partial(_render, template, kb.policy, longest)
        _check_text(f"{source}: facet_unknown {facet}", template, render, known | {"title"}, kb)


def _check_text(
    where: str, template: str, render: Callable[[], str], known: set[str], kb: KnowledgeBase
) -> None:
    """One template: known placeholders, rendered, a next step named, one bubble long."""
    unknown = [
        name for name in _placeholders(template) if name.split("[")[0].split(".")[0] not in known
    ]
    if unknown:
        raise KnowledgeError(f"{where}: unknown placeholder {unknown[0]}")
    try:
        text = render()
    except (KeyError, IndexError, ValueError) as error:
        raise KnowledgeError(f"{where}: {error!r}") from None
    if not _names_next_step(text, kb.policy):
        raise KnowledgeError(
            f"{where}: the text must say where to go next "
            "({hotline} or {duty_phone}, 营业厅, or a “quoted” message to send the bot)"
        )
    if len(text) > MAX_ANSWER_CHARS:
        raise KnowledgeError(
            f"{where}: {len(text)} characters for {kb.policy.name}, at most {MAX_ANSWER_CHARS}"
        )


def read_knowledge(policy: Policy, directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    """The knowledge base for `policy`: common topics, then `<policy.name>.yml`'s, checked."""
    common = _read(directory / "common.yml")
    topics = _topics(common, "common.yml")
    values = _texts(common, "values", "common.yml")
    city_file = directory / f"{policy.name}.yml"
    source = "common.yml"
    if city_file.is_file():
        source = f"common.yml + {city_file.name}"
        city = _read(city_file)
        extra = set(city) - {"values", "answers", "facets"}
        if extra:
            raise KnowledgeError(f"{city_file.name}: unknown sections {sorted(extra)}")
        values.update(_texts(city, "values", city_file.name))
        for key, answer in _texts(city, "answers", city_file.name).items():
            if key not in topics:
                raise KnowledgeError(f"{city_file.name}: answer for unknown topic {key}")
            topics[key] = replace(topics[key], answer=_unfold(answer))
        city_facets = city.get("facets") or {}
        if not isinstance(city_facets, dict):
            raise KnowledgeError(f"{city_file.name}: `facets` must map topics to their facets")
        for key, section in city_facets.items():
            if key not in topics:
                raise KnowledgeError(f"{city_file.name}: facets for unknown topic {key}")
            own = _facets(section, f"{city_file.name}: topic {key}")
            topics[key] = replace(topics[key], facets={**topics[key].facets, **own})
    kb = KnowledgeBase(
        policy,
        topics,
        values,
        _retrieval(common, "common.yml"),
        _facet_unknown(common, "common.yml"),
    )
    _check(kb, source)
    return kb


#: id(policy) → (policy, its knowledge base); the policy is kept so its id is never reused.
_cache: dict[int, tuple[Policy, KnowledgeBase]] = {}
_lock = threading.Lock()


def load_knowledge(policy: Policy | None = None) -> KnowledgeBase:
    """The knowledge base of `policy` (default: the active one), read and checked once each."""
    policy = policy or load_policy()
    with _lock:
        cached = _cache.get(id(policy))
        if cached is None or cached[0] is not policy:
            cached = (policy, read_knowledge(policy))
            _cache[id(policy)] = cached
        return cached[1]
