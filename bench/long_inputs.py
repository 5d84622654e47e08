"""Long-input benchmark: the text functions every message passes through, fed 10,000 characters.

    .venv/bin/python bench/long_inputs.py [--budget-seconds 1.0] [--max-growth 8]

A resident (or an attacker) can paste a whole page into the chat; a regular expression that
backtracks turns such a paste into seconds of CPU on the hot path of every replica. For each
function and each kind of long text this prints the best of three timings at 10,000 characters
and how the time grows from 2,500 to 10,000 characters (4× the input: linear ≈ 4×, quadratic ≈
16×; judged only where the 10,000-character timing is 50 ms or more, below which other work on
the machine decides the ratio), writes bench/results/long_inputs.json, and exits 1 when a timing
is over the budget or a growth over the limit. The pipeline cuts messages at
`bot.nlu.limits.MAX_MESSAGE_CHARS` (1,000) before these run, so 10,000 is a tenfold margin.
Run it after touching bot/nlu or bot/base/numerals.py; timings drift with machine load, so they
are figures to read, never assertions inside tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.address import parse_address  # noqa: E402
from bot.nlu.emergency import detect_emergency  # noqa: E402
from bot.nlu.numbers import (  # noqa: E402
    chinese_to_arabic,
    normalise_account_no,
    normalise_phone,
    normalise_ticket_no,
    parse_temperature,
    to_canonical,
)

RESULTS = ROOT / "bench" / "results" / "long_inputs.json"
LENGTH = 10_000
#: Below this a growth ratio is noise (seconds at LENGTH).
GROWTH_JUDGED_FROM = 0.05
#: Texts that once made a pattern work hard: traditional characters with numerals, digit runs
#: that normalise into one 10,000-digit number, numeral runs with look-behind checks, weekday
#: lists, voice input without punctuation, and a question repeated.
CHUNKS = {
    "traditional": "暖氣不熱，三號樓二單元五零二，明天下午兩點 ",
    "digit-run": "1 2 3 4 5 ",
    "numeral-run": "三号楼一点",
    "weekdays": "周一三五十点",
    "address": "阳光花园5号楼1单元302室 ",
    "voice-input": "我家老人冻得说胡话阀门关不上",
    "question": "暖气漏水了吗？",
}
COMMUNITIES = ["阳光花园", "幸福里小区"] * 50
FUNCTIONS: dict[str, Callable[[str], object]] = {
    "to_canonical": to_canonical,
    "chinese_to_arabic": chinese_to_arabic,
    "normalise_phone": normalise_phone,
    "normalise_account_no": normalise_account_no,
    "normalise_ticket_no": normalise_ticket_no,
    "parse_temperature": parse_temperature,
    "parse_address": lambda text: parse_address(text, COMMUNITIES),
    "detect_emergency": detect_emergency,
}


def _text(chunk: str, length: int) -> str:
    return (chunk * (length // len(chunk) + 1))[:length]


def best_of_three(function: Callable[[str], object], text: str) -> float:
    """The fastest of three runs, in seconds: the least disturbed by other work."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - started)
    return min(times)


def measure() -> list[dict[str, object]]:
    """One row per function and chunk: seconds at LENGTH, and the growth from LENGTH / 4."""
    rows: list[dict[str, object]] = []
    for name, function in FUNCTIONS.items():
        for kind, chunk in CHUNKS.items():
            small = best_of_three(function, _text(chunk, LENGTH // 4))
            large = best_of_three(function, _text(chunk, LENGTH))
            rows.append(
                {
                    "function": name,
                    "text": kind,
                    "seconds": round(large, 4),
                    "growth": round(large / small, 2) if small > 1e-4 else None,
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget-seconds", type=float, default=1.0)
    parser.add_argument("--max-growth", type=float, default=8.0)
    args = parser.parse_args(argv)
    rows = measure()
    over = [
        r
        for r in rows
        if float(str(r["seconds"])) > args.budget_seconds
        or (
            r["growth"] is not None
            and float(str(r["seconds"])) >= GROWTH_JUDGED_FROM
            and float(str(r["growth"])) > args.max_growth
        )
    ]
    print(f"{'function':<22} {'text':<12} {'s @10k':>8} {'×(4× input)':>12}")
    for r in rows:
        growth = "-" if r["growth"] is None else f"{r['growth']}×"
        flag = "  OVER" if r in over else ""
        print(f"{r['function']:<22} {r['text']:<12} {r['seconds']:>8} {growth:>12}{flag}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": platform.platform(),
                "length": LENGTH,
                "budget_seconds": args.budget_seconds,
                "max_growth": args.max_growth,
                "rows": rows,
                "over": len(over),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}; {len(over)} over the budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
