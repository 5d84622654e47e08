#!/usr/bin/env python
"""Check the NLU training data in data/nlu/ (throwaway helper, safe to keep).

What it does
  * loads data/nlu with Rasa's own reader and reports every warning it raises;
  * tokenises every example with jieba after loading the user dictionary in data/dict/,
    splitting tokens further wherever a digit/ASCII-letter run meets any other character
    (what the pipeline's token pattern does), and reports entity spans whose start or end
    is not a token boundary (DIET drops those: "Misaligned entity annotation");
    it does this twice: on the raw text as written, and on the text after a simulation of
    the pipeline's TextNormalizer (t2s, full-width -> half-width, spaces between digits
    removed, Chinese numerals -> Arabic), with the spans moved by an offset map;
  * reports exact duplicates and near duplicates (same text once punctuation, spaces,
    emoji and filler particles are dropped), within and across intents;
  * checks entity names/values against the contract (fault_type values, account_no 8-12
    digits, phone 11 digits, ticket_no format), that every annotated fault word is in
    synonyms.yml with the same value, that every community used in an address is in the
    jieba dictionary, and that the regexes in regex_lookup.yml match the normalised
    annotated values of their entity and nothing of the other number-like entities;
  * prints counts per intent and per entity.

Usage:  .venv/bin/python scripts/check_nlu_data.py [--verbose] [--nlu DIR] [--dict DIR]
Exit status 1 when a misaligned span, a duplicate or a contract error is found.
"""

from __future__ import annotations

import argparse
import collections
import glob
import logging
import os
import re
import sys
import unicodedata
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bot import contract

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NLU_DIR = os.path.join(ROOT, "data", "nlu")
DICT_DIR = os.path.join(ROOT, "data", "dict")

ENTITIES = set(contract.ENTITIES)
FAULT_VALUES = set(contract.FAULT_TYPES)
CONTRACT_INTENTS = set(contract.CONTRACT_INTENTS - {"faq"} | contract.PROJECT_INTENTS)
FAQ_KEYS = set(contract.ALL_FAQ_KEYS)

# --------------------------------------------------------------------------- tokenising

_ALNUM = re.compile(r"[0-9A-Za-z]")


def _is_alnum(ch: str) -> bool:
    return bool(_ALNUM.match(ch))


def tokenize(text: str, split_alnum: bool = True) -> list[tuple[int, int, str]]:
    """jieba.tokenize, then (split_alnum) split at every alnum / non-alnum change in a token.

    split_alnum=False is exactly what JiebaTokenizer without a token_pattern produces
    (the project's config.yml); True is the looser model the brief describes.
    """
    import jieba

    out = []
    for word, start, _end in jieba.tokenize(text):
        if not split_alnum:
            out.append((start, start + len(word), word))
            continue
        piece_start = 0
        for i in range(1, len(word) + 1):
            if i == len(word) or _is_alnum(word[i]) != _is_alnum(word[i - 1]):
                out.append((start + piece_start, start + i, word[piece_start:i]))
                piece_start = i
    return out


# ---------------------------------------------------------------- normalisation (simulated)

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile(r"[零〇一幺二两三四五六七八九十百千]+")
# a Chinese numeral run is converted when a counter/unit follows, or when it is a
# digit-by-digit reading of 3+ digits (phone, room, account read aloud)
_CN_FOLLOW = re.compile(r"(号楼|号院|号|栋|幢|单元|楼|层|室|门|度|℃|点|月|日|期|区|排|户|路)")


def _cn_value(run: str) -> str | None:
    if not any(c in _CN_UNIT for c in run):
        return "".join(str(_CN_DIGIT[c]) for c in run)
    total, cur = 0, 0
    for c in run:
        if c in _CN_DIGIT:
            cur = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            total += (cur or 1) * _CN_UNIT[c]
            cur = 0
        else:
            return None
    return str(total + cur)


def _chinese_numerals(text: str) -> tuple[str, list[int]]:
    out, offs, i = [], [], 0
    for m in _CN_RUN.finditer(text):
        run = m.group(0)
        after = text[m.end() :]
        convert = bool(_CN_FOLLOW.match(after)) or (
            len(run) >= 3 and not any(c in _CN_UNIT for c in run)
        )
        if run in ("一", "两") and not re.match(r"(号|栋|单元|楼|度|点)", after):
            convert = False
        if not convert:
            continue
        val = _cn_value(run)
        if val is None:
            continue
        for j in range(i, m.start()):
            out.append(text[j])
            offs.append(j)
        for k, ch in enumerate(val):
            out.append(ch)
            offs.append(m.start() if k == 0 else m.end() - 1)
        i = m.end()
    for j in range(i, len(text)):
        out.append(text[j])
        offs.append(j)
    offs.append(len(text))
    return "".join(out), offs


def _t2s():
    try:
        from opencc import OpenCC

        cc = OpenCC("t2s")
        return cc.convert
    except Exception:  # pragma: no cover
        return lambda s: s


_T2S = None


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Simulated TextNormalizer; returns text and for each index (+ end) its source index."""
    global _T2S
    if _T2S is None:
        _T2S = _t2s()
    chars = []
    for ch in text:
        c = _T2S(ch)
        if len(c) != 1:
            c = ch
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        elif o == 0x3000:
            c = " "
        if unicodedata.category(c) == "Cc" and c not in "\t\n":
            c = ""
        chars.append(c)
    out, offs = [], []
    n = len(chars)
    for i, c in enumerate(chars):
        if c == "":
            continue
        if c.isspace():
            # drop whitespace between two digits; fold other runs to one space
            j = i
            while j < n and (chars[j].isspace() or chars[j] == ""):
                j += 1
            prev = out[-1] if out else ""
            nxt = chars[j] if j < n else ""
            if prev.isdigit() and nxt.isdigit():
                continue
            if not out or out[-1] == " " or j >= n:
                continue
            out.append(" ")
            offs.append(i)
            continue
        out.append(c)
        offs.append(i)
    offs.append(len(text))
    s1 = "".join(out)
    s2, offs2 = _chinese_numerals(s1)
    final_offs = [offs[k] for k in offs2]
    return s2, final_offs


def _sim_move_span(offs: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a raw [start, end) span onto the normalised text."""
    ns = next((i for i, o in enumerate(offs) if o >= start), len(offs) - 1)
    ne = max((i + 1 for i, o in enumerate(offs[:-1]) if o < end), default=ns)
    return ns, ne


NORMALISER = "simulated (bot.nlu not importable)"
move_span = _sim_move_span
try:  # the pipeline's own TextNormalizer functions, when the project has them
    sys.path.insert(0, ROOT)
    from bot.nlu.numbers import to_canonical_with_offsets as _canon
    from bot.nlu.text import map_span as _map_span

    normalise_with_offsets = _canon
    move_span = _map_span
    NORMALISER = "bot.nlu.numbers.to_canonical_with_offsets (the pipeline's TextNormalizer)"
except Exception:  # pragma: no cover - fall back to the simulation above
    pass


# ------------------------------------------------------------------------- duplicates

# modal particles only: "是/是的/是啊" or "转人工/转人工！！！" count as the same example
_PARTICLES = re.compile(r"[了的吗吧啊呀嘛哦喔哈啦呗呢哎唉诶额么]")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def dup_key(text: str) -> str:
    """Text as the model sees it, minus punctuation, spaces, emoji and modal particles."""
    t, _ = normalise_with_offsets(text)
    t = t.lower()
    stripped = _DROP.sub("", t)
    key = _PARTICLES.sub("", stripped)
    return key or stripped or t


# ---------------------------------------------------------------------------- main


def load_regex_lookup(nlu_dir: str):
    import yaml

    regexes, lookups, synonyms = {}, {}, {}
    for path in sorted(glob.glob(os.path.join(nlu_dir, "*.yml"))):
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for item in doc.get("nlu", []) or []:
            ex = [
                line[2:].strip()
                for line in str(item.get("examples", "")).splitlines()
                if line.strip().startswith("- ")
            ]
            if "regex" in item:
                regexes.setdefault(item["regex"], []).extend(ex)
            elif "lookup" in item:
                lookups.setdefault(item["lookup"], []).extend(ex)
            elif "synonym" in item:
                for e in ex:
                    synonyms.setdefault(e, set()).add(item["synonym"])
    return regexes, lookups, synonyms


def check_with_project_parsers(examples) -> list[str]:
    """Annotated values that bot.nlu's parsers cannot read (a data or a parser problem)."""
    try:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from bot.nlu.address import parse_address
        from bot.nlu.faults import fault_type_of
        from bot.nlu.numbers import (
            normalise_account_no,
            normalise_phone,
            normalise_ticket_no,
            parse_temperature,
        )
        from bot.nlu.timewindow import parse_visit_window
    except Exception as exc:  # pragma: no cover
        return [f"bot.nlu parsers not importable: {exc}"]
    # a Monday morning in the heating season, so every relative time lies ahead
    now = datetime(2026, 11, 30, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    notes = []
    for e in examples:
        text = e.get("text")
        for ent in e.get("entities") or []:
            span, name = text[ent["start"] : ent["end"]], ent["entity"]
            ok = True
            if name == "phone":
                ok = normalise_phone(span) is not None
            elif name == "account_no":
                ok = normalise_account_no(span) is not None
            elif name == "ticket_no":
                ok = normalise_ticket_no(span) is not None
            elif name == "temperature":
                ok = parse_temperature(span) is not None
            elif name == "fault_type":
                ok = fault_type_of(span) == ent.get("value")
            elif name == "time":
                ok = parse_visit_window(span, now) is not None
            elif name == "address":
                ok = parse_address(span).is_usable
            if not ok:
                notes.append(f"{name}={span!r} ({ent.get('value')!r}) in {text!r}")
    return notes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true", help="list pairs at edit distance 1")
    ap.add_argument("--nlu", default=NLU_DIR, help="folder of NLU YAML files (data/nlu)")
    ap.add_argument("--dict", default=DICT_DIR, help="folder of jieba user dictionaries")
    args = ap.parse_args()

    import jieba

    jieba.setLogLevel(logging.WARNING)
    dict_words = set()
    place_words = set()
    for path in sorted(glob.glob(os.path.join(args.dict, "*"))):
        jieba.load_userdict(path)
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    parts = line.split()
                    dict_words.add(parts[0])
                    if len(parts) > 2 and parts[2] == "ns":
                        place_words.add(parts[0])

    from rasa.shared.nlu.training_data.loading import load_data

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        td = load_data(args.nlu)
    load_warnings = [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if not (
            issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, ImportWarning))
            and "rasa" not in str(w.filename)
        )
    ]

    problems = collections.Counter()
    examples = [e for e in td.training_examples if e.get("intent")]

    def full_intent(e):
        key = e.get("intent_response_key")
        return key if key else e.get("intent")

    # ---------------------------------------------------------------- alignment
    mis_raw, mis_norm, mis_strict = [], [], []
    for e in examples:
        text = e.get("text")
        ents = e.get("entities") or []
        if not ents:
            continue
        toks = tokenize(text)
        starts = {s for s, _, _ in toks}
        ends = {t for _, t, _ in toks}
        norm, offs = normalise_with_offsets(text)
        ntoks = tokenize(norm)
        nstarts = {s for s, _, _ in ntoks}
        nends = {t for _, t, _ in ntoks}
        stoks = tokenize(norm, split_alnum=False)
        sstarts = {s for s, _, _ in stoks}
        sends = {t for _, t, _ in stoks}
        for ent in ents:
            s, t = ent["start"], ent["end"]
            span = text[s:t]
            if (
                span != span.strip()
                or re.match(r"^[，。,.!！?？、：:；;]", span)
                or re.search(r"[，。,.!！?？、：:；;]$", span)
            ):
                problems["span with whitespace/punctuation at an edge"] += 1
                print(f"EDGE  [{full_intent(e)}] {text!r} -> {span!r}")
            if s not in starts or t not in ends:
                mis_raw.append((full_intent(e), text, ent["entity"], span, [w for _, _, w in toks]))
            ns, ne = move_span(offs, s, t)
            if ns not in nstarts or ne not in nends:
                mis_norm.append(
                    (full_intent(e), norm, ent["entity"], norm[ns:ne], [w for _, _, w in ntoks])
                )
            if ns not in sstarts or ne not in sends:
                mis_strict.append(
                    (full_intent(e), norm, ent["entity"], norm[ns:ne], [w for _, _, w in stoks])
                )
    for label, mis in (
        ("raw", mis_raw),
        ("normalised", mis_norm),
        ("normalised, plain jieba", mis_strict),
    ):
        for intent, text, ent, span, toks in mis:
            print(f"MISALIGNED ({label}) [{intent}] {text!r}: {ent}={span!r}\n    tokens: {toks}")

    # ---------------------------------------------------------------- contract checks
    regexes, lookups, synonyms = load_regex_lookup(args.nlu)
    compiled = {
        name: [re.compile(p, re.IGNORECASE) for p in pats] for name, pats in regexes.items()
    }
    intents = collections.Counter(full_intent(e) for e in examples)
    for name in CONTRACT_INTENTS:
        if name not in intents:
            problems[f"missing intent {name}"] += 1
    for key in FAQ_KEYS:
        if f"faq/{key}" not in intents:
            problems[f"missing faq/{key}"] += 1
    for name in intents:
        base = name.split("/")[0]
        if base not in CONTRACT_INTENTS and base != "faq":
            problems[f"unknown intent {name}"] += 1
        if base == "faq" and name.split("/", 1)[1] not in FAQ_KEYS:
            problems[f"unknown faq key {name}"] += 1

    ent_counts = collections.Counter()
    ent_by_intent = collections.defaultdict(collections.Counter)
    fault_counts = collections.Counter()
    communities_missing = collections.Counter()
    for e in examples:
        text = e.get("text")
        for ent in e.get("entities") or []:
            name = ent["entity"]
            ent_counts[name] += 1
            ent_by_intent[name][full_intent(e)] += 1
            span = text[ent["start"] : ent["end"]]
            norm_span, _ = normalise_with_offsets(span)
            if name not in ENTITIES:
                problems[f"unknown entity {name}"] += 1
            if name == "fault_type":
                val = ent.get("value")
                fault_counts[val] += 1
                if val not in FAULT_VALUES:
                    problems["fault_type value not in contract"] += 1
                    print(f"FAULT VALUE {val!r} in {text!r}")
                syn = synonyms.get(span) or synonyms.get(norm_span)
                if val != span and (not syn or syn != {val}):
                    problems["fault word missing from synonyms.yml / inconsistent"] += 1
                    print(f"SYNONYM  {span!r} -> {val!r} (synonyms.yml: {syn})")
                if norm_span not in dict_words and span not in dict_words and len(norm_span) > 1:
                    problems["fault word missing from jieba dictionary"] += 1
                    print(f"DICT  fault word {span!r} not in data/dict")
                if len(norm_span) > 1 and norm_span not in lookups.get("fault_type", []):
                    problems["fault word missing from fault_type lookup"] += 1
                    print(f"LOOKUP  fault word {norm_span!r} not in lookup fault_type")
            elif name == "account_no":
                digits = re.sub(r"\D", "", norm_span)
                if not (8 <= len(digits) <= 12) or digits != re.sub(r"[\s-]", "", norm_span):
                    problems["account_no not 8-12 digits"] += 1
                    print(f"ACCOUNT {span!r} in {text!r}")
                if re.fullmatch(r"1[3-9]\d{9}", digits):
                    problems["account_no looks like a phone number"] += 1
                    print(f"ACCOUNT~PHONE {span!r}")
            elif name == "phone":
                digits = re.sub(r"^\+?86", "", re.sub(r"[\s-]", "", norm_span))
                if not re.fullmatch(r"1[3-9]\d{9}", digits):
                    problems["phone not 11 digits"] += 1
                    print(f"PHONE {span!r} in {text!r}")
            elif name == "ticket_no":
                t = re.sub(r"[\s-]", "", norm_span).upper()
                if not re.fullmatch(
                    r"(BX|TS|CW|BT|RG)20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{4}", t
                ):
                    problems["ticket_no format"] += 1
                    print(f"TICKET {span!r} in {text!r}")
            elif (
                name == "address"
                and not re.match(r"[0-9]", norm_span)
                and not any(norm_span.startswith(w) for w in place_words)
            ):
                # the community (the leading part before any digit / building word) must be a
                # dictionary place word, so that jieba keeps it whole
                lead = re.match(
                    r"^[^0-9A-Za-z\-]+?(?=[0-9]|$|[东西南北]区|号|栋|期|[A-Za-z])", norm_span
                )
                communities_missing[lead.group(0) if lead else norm_span] += 1
            if name in compiled and not any(p.search(norm_span) for p in compiled[name]):
                problems[f"regex {name} misses an annotated value"] += 1
                print(f"REGEX MISS {name}: {norm_span!r}")
            # number-like entities must not be matched by another entity's regex
            if name in ("account_no", "phone", "ticket_no", "temperature"):
                for other, pats in compiled.items():
                    if other != name and any(p.fullmatch(norm_span) for p in pats):
                        problems[f"regex {other} also matches a {name}"] += 1
                        print(f"REGEX CLASH {other} matches {name} {norm_span!r}")
    parser_notes = check_with_project_parsers(examples)
    for comm, n in communities_missing.items():
        problems["community not in jieba dictionary"] += 1
        print(f"DICT  community {comm!r} (x{n}) not in data/dict")

    # ---------------------------------------------------------------- duplicates
    exact = collections.defaultdict(list)
    near = collections.defaultdict(list)
    for e in examples:
        exact[e.get("text")].append(full_intent(e))
        near[dup_key(e.get("text"))].append((full_intent(e), e.get("text")))
    n_exact = sum(len(v) - 1 for v in exact.values() if len(v) > 1)
    for text, where in exact.items():
        if len(where) > 1:
            print(f"DUPLICATE {text!r} in {where}")
    n_near = 0
    for where in near.values():
        if len(where) > 1 and len({t for _, t in where}) > 1:
            n_near += len(where) - 1
            print(f"NEAR-DUPLICATE {where}")
    # edit distance 1 between keys (reported, not an error: review by eye)
    by_del = collections.defaultdict(set)
    for key in near:
        if len(key) >= 5:
            for i in range(len(key)):
                by_del[key[:i] + key[i + 1 :]].add(key)
            by_del[key].add(key)
    close_pairs = set()
    for group in by_del.values():
        if len(group) > 1:
            g = sorted(group)
            for i in range(len(g)):
                for j in range(i + 1, len(g)):
                    close_pairs.add((g[i], g[j]))
    if args.verbose:
        for a, b in sorted(close_pairs):
            print(f"CLOSE  {near[a][0]}  ~  {near[b][0]}")

    # ---------------------------------------------------------------- report
    print("\n== load_data warnings:", len(load_warnings))
    for w in load_warnings:
        print("   ", w[:300])
    print(f"\n== examples: {len(examples)}  intents: {len(intents)}")
    for name, n in sorted(intents.items(), key=lambda kv: (kv[0].startswith("faq/"), kv[0])):
        print(f"   {name:28s} {n}")
    faq_total = sum(n for k, n in intents.items() if k.startswith("faq/"))
    print(f"   {'faq (all keys)':28s} {faq_total}")
    print("\n== entities (annotations)")
    for name, n in sorted(ent_counts.items()):
        top = ", ".join(f"{k} {v}" for k, v in ent_by_intent[name].most_common(6))
        print(f"   {name:12s} {n:5d}   ({top})")
    print("   fault_type values:", dict(fault_counts))
    print(f"\n== lookup tables: { {k: len(v) for k, v in lookups.items()} }")
    print(f"== regexes: { {k: len(v) for k, v in regexes.items()} }")
    print(f"== synonyms: {len(synonyms)} words")
    print("\n== normaliser used:", NORMALISER)
    print(
        "== annotated values the project's parsers do not read as annotated (info):",
        len(parser_notes),
    )
    for note in parser_notes:
        print("   ", note)
    print("\n== misaligned spans (raw text):", len(mis_raw))
    print("== misaligned spans (normalised text):", len(mis_norm))
    print(
        "== misaligned spans (normalised text, plain jieba, no alnum split = config.yml):",
        len(mis_strict),
    )
    print("== exact duplicates:", n_exact)
    print("== near duplicates (same text without punctuation/fillers):", n_near)
    print("== pairs at edit distance 1 (review, --verbose lists them):", len(close_pairs))
    for p, n in problems.items():
        print(f"!! {p}: {n}")
    bad = mis_raw or mis_norm or mis_strict or n_exact or n_near or problems or load_warnings
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
