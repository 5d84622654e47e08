"""Rendering a whole-conversation run: console figures, results/dialogue.json, results/dialogue.md.

The console shows the figures the issue asks for and the most common failure reasons, so a CI
log says what broke; the Markdown holds every failed conversation's transcript with the reasons
beside it (what a person needs to fix the class, not the sentence); the JSON holds everything,
passed conversations included, for tools and for diffing runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.evaluation.dialogue import GroupFigures, Skip, Summary, TicketRow, Transcript, Verdict
from bot.evaluation.overlap import Overlap
from bot.evaluation.report import _markdown_table, _text_table, format_value

__all__ = [
    "DialogueResult",
    "StepOverlap",
    "diverging_turns",
    "render_markdown",
    "render_text",
    "to_json",
    "write_reports",
]

JSON_NAME = "dialogue.json"
MARKDOWN_NAME = "dialogue.md"
#: Failure reasons listed on the console (the Markdown lists them all).
CONSOLE_REASONS = 10


@dataclass(frozen=True)
class StepOverlap:
    """A step text that copies (or nearly copies) a training message, and where it is used.

    `short` marks bare answers (对, 好的, 5678): any set shares them with any training data,
    so they are listed but do not count as the set leaking into training.
    """

    overlap: Overlap
    conversations: tuple[str, ...]
    short: bool


@dataclass
class DialogueResult:
    """Everything one run measured."""

    verdicts: list[Verdict]
    summary: Summary
    overlaps: list[StepOverlap] | None = None  # None: the check was not run
    model: str = ""
    stack: str = ""
    gate: float | None = None
    seconds: float = 0.0
    created: str = ""
    files: list[str] = field(default_factory=list)

    @property
    def passes_gate(self) -> bool | None:
        """Whether the goal rate holds `gate` (None without a gate)."""
        if self.gate is None:
            return None
        return self.summary.overall.goal_rate >= self.gate

    @property
    def leaked_steps(self) -> list[StepOverlap]:
        """Step texts longer than a bare answer that copy a training message exactly."""
        return [o for o in self.overlaps or () if o.overlap.kind == "exact" and not o.short]


def _pct(value: float) -> str:
    return format_value(value, "ratio")


def _figure_rows(figures: GroupFigures) -> list[list[str]]:
    mean = figures.mean_turns_to_goal
    return [
        ["figure", "value", "target"],
        [
            "goal rate",
            f"{_pct(figures.goal_rate)} ({figures.goals}/{figures.conversations})",
            "≥ 95 %",
        ],
        ["mean turns to goal", "n/a" if mean is None else f"{mean:.2f}", ""],
        [
            "trapped slots (3rd ask in a row, no way out)",
            f"{figures.trapped_slots} in {figures.trapped_conversations} conversations",
            "0",
        ],
        [
            "fallback rate (turns)",
            f"{_pct(figures.fallback_rate)} ({figures.fallback_turns}/{figures.turns})",
            "",
        ],
        ["wrong facts (replies_exclude hits)", str(figures.wrong_facts), "0"],
        ["second tickets of a kind", str(figures.second_tickets), "0"],
    ]


def _file_rows(summary: Summary) -> list[list[str]]:
    rows = [
        [
            "persona file",
            "conversations",
            "goal rate",
            "turns to goal",
            "trapped",
            "fallback rate",
            "wrong facts",
            "second tickets",
        ]
    ]
    for name, f in summary.by_file.items():
        mean = f.mean_turns_to_goal
        rows.append(
            [
                name,
                str(f.conversations),
                f"{_pct(f.goal_rate)} ({f.goals})",
                "n/a" if mean is None else f"{mean:.2f}",
                str(f.trapped_slots),
                _pct(f.fallback_rate),
                str(f.wrong_facts),
                str(f.second_tickets),
            ]
        )
    return rows


def _overlap_counts(result: DialogueResult) -> str:
    if result.overlaps is None:
        return "overlap check not run"
    exact = [o for o in result.overlaps if o.overlap.kind == "exact"]
    near = [o for o in result.overlaps if o.overlap.kind == "near"]
    short = sum(o.short for o in exact)
    return (
        f"step texts copying data/nlu: {len(exact)} exact ({short} of them bare answers), "
        f"{len(near)} near copies"
    )


def _gate_line(result: DialogueResult) -> list[str]:
    if result.gate is None:
        return []
    verdict = "PASS" if result.passes_gate else "FAIL"
    return [f"gate: goal rate ≥ {_pct(result.gate)}: {verdict}"]


def render_text(result: DialogueResult) -> str:
    """The console report: figures, per file, most common failure reasons, overlap, gate."""
    summary = result.summary
    parts = [
        f"Whole conversations: {summary.overall.conversations} played in {result.seconds:.0f} s"
        + (f" ({result.model})" if result.model else ""),
        "",
        _text_table(_figure_rows(summary.overall)),
        "",
        _text_table(_file_rows(summary)),
    ]
    if summary.reasons:
        parts += ["", "Most common failure reasons (conversations, an example):"]
        shown = summary.reasons[:CONSOLE_REASONS]
        parts += [f"  {n:3d}  {key}   e.g. {ident}" for key, n, ident in shown]
    parts += ["", _overlap_counts(result)]
    for item in result.leaked_steps:
        parts.append(f"  [exact] {item.overlap.test_text}  ({', '.join(item.conversations)})")
    parts += _gate_line(result)
    return "\n".join(parts)


def _ticket_line(ticket: TicketRow) -> str:
    details = [ticket.kind, ticket.status]
    if ticket.urgent:
        details.append("urgent")
    details += [v for v in (ticket.fault_type, ticket.community, ticket.phone) if v]
    return f"{ticket.ticket_no} ({', '.join(details)})"


def _transcript_lines(transcript: Transcript) -> list[str]:
    """The conversation as read: numbered resident messages, the bot's replies, what it asks."""
    lines: list[str] = []
    skips: dict[int, list[Skip]] = {}
    for skip in transcript.skipped:
        skips.setdefault(skip.after_turns, []).append(skip)

    def skipped(position: int) -> None:
        for skip in skips.get(position, []):
            asked = skip.asked or "nothing"
            lines.append(
                f"- *(not sent, waits for {skip.step.when_asked}; the bot asked {asked}):* "
                f"{skip.step.say}"
            )

    skipped(0)
    for number, turn in enumerate(transcript.turns, start=1):
        origin = " *(from facts)*" if turn.source == "fact" else ""
        lines.append(f"{number}. **居民**{origin}: {turn.user}")
        for reply in turn.replies:
            lines.append(f"   - 小暖: {reply.replace(chr(10), ' / ')}")
        if not turn.replies:
            lines.append("   - *(no reply)*")
        notes = [f"asks {turn.asked}"] if turn.asked else []
        if turn.fallback:
            notes.append("FALLBACK")
        if turn.responses:
            notes.append(", ".join(turn.responses))
        if notes:
            lines.append(f"   - *{'; '.join(notes)}*")
        skipped(number)
    if transcript.error:
        lines.append(f"- **stack error:** {transcript.error}")
    return lines


def _failed_section(verdict: Verdict) -> list[str]:
    conversation = verdict.conversation
    lines = [
        f"### {conversation.id} ({conversation.source})",
        "",
        f"*{conversation.persona}*",
        "",
        "Why it failed:",
        "",
        *[f"- **{f.key}**: {f.detail}" for f in verdict.failures],
        "",
        *_transcript_lines(verdict.transcript),
        "",
    ]
    tickets = verdict.transcript.tickets
    lines.append(
        "Tickets at the end: " + ("; ".join(map(_ticket_line, tickets)) if tickets else "none")
    )
    return [*lines, ""]


def render_markdown(result: DialogueResult, command: str = "") -> str:
    """The Markdown report: figures, per file, reasons, overlaps, every failed transcript."""
    summary = result.summary
    lines = [
        "# Whole-conversation evaluation",
        "",
        f"{summary.overall.conversations} conversations from {', '.join(result.files)}, played "
        f"over REST against {result.stack or 'a running stack'}"
        + (f", model `{result.model}`" if result.model else "")
        + (f", {result.created}" if result.created else "")
        + f", {result.seconds:.0f} s.",
    ]
    if command:
        lines += ["", f"Reproduce with `{command}`."]
    lines += ["", _markdown_table(_figure_rows(summary.overall)), ""]
    lines += [*_gate_line(result), "", "## Per persona file", ""]
    lines += [_markdown_table(_file_rows(summary)), ""]
    if summary.reasons:
        lines += ["## Failure reasons", "", "Conversations failing on each reason.", ""]
        rows = [["reason", "conversations", "example"]]
        rows += [[key, str(n), ident] for key, n, ident in summary.reasons]
        lines += [_markdown_table(rows), ""]
    lines += ["## Overlap with the training data", "", _overlap_counts(result) + ".", ""]
    if result.overlaps:
        rows = [["kind", "step text", "training message", "conversations"]]
        rows += [
            [
                o.overlap.kind + (" (bare answer)" if o.short else ""),
                o.overlap.test_text,
                o.overlap.train_text,
                ", ".join(o.conversations),
            ]
            for o in result.overlaps
        ]
        lines += [_markdown_table(rows), ""]
    failed = [v for v in result.verdicts if not v.goal]
    lines += [f"## Failed conversations ({len(failed)})", ""]
    for verdict in failed:
        lines += _failed_section(verdict)
    return "\n".join(lines).rstrip() + "\n"


def _ticket_dict(ticket: TicketRow) -> dict[str, Any]:
    return {
        "ticket_no": ticket.ticket_no,
        "kind": ticket.kind,
        "status": ticket.status,
        "urgent": ticket.urgent,
        "fault_type": ticket.fault_type,
        "community": ticket.community,
        "phone": ticket.phone,
        "address": ticket.address,
    }


def _figures_dict(figures: GroupFigures) -> dict[str, Any]:
    return dict(vars(figures))


def _verdict_dict(verdict: Verdict) -> dict[str, Any]:
    transcript = verdict.transcript
    return {
        "id": verdict.conversation.id,
        "file": verdict.conversation.source,
        "persona": verdict.conversation.persona,
        "goal": verdict.goal,
        "failures": [{"key": f.key, "detail": f.detail} for f in verdict.failures],
        "turns": verdict.turns,
        "turns_to_goal": verdict.turns_to_goal,
        "traps": [vars(t) for t in verdict.traps],
        "fallback_turns": verdict.fallback_turns,
        "wrong_facts": verdict.wrong_facts,
        "second_tickets": verdict.second_tickets,
        "sender": transcript.sender,
        "error": transcript.error,
        "turn_log": [
            {
                "user": t.user,
                "source": t.source,
                "replies": list(t.replies),
                "asked": t.asked,
                "fallback": t.fallback,
                "responses": list(t.responses),
                "tickets": [x.ticket_no for x in t.tickets],
                "handed_over": t.handed_over,
            }
            for t in transcript.turns
        ],
        "skipped": [
            {
                "after_turns": s.after_turns,
                "say": s.step.say,
                "when_asked": s.step.when_asked,
                "asked": s.asked,
            }
            for s in transcript.skipped
        ],
        "tickets": [_ticket_dict(t) for t in transcript.tickets],
    }


def to_json(result: DialogueResult) -> dict[str, Any]:
    """Everything measured, every conversation included."""
    summary = result.summary
    return {
        "created": result.created,
        "model": result.model,
        "stack": result.stack,
        "files": result.files,
        "seconds": round(result.seconds, 1),
        "gate": result.gate,
        "passes_gate": result.passes_gate,
        "figures": _figures_dict(summary.overall),
        "by_file": {name: _figures_dict(f) for name, f in summary.by_file.items()},
        "reasons": [{"key": k, "conversations": n, "example": i} for k, n, i in summary.reasons],
        "overlaps": None
        if result.overlaps is None
        else [
            {
                "kind": o.overlap.kind,
                "step": o.overlap.test_text,
                "training": o.overlap.train_text,
                "jaccard": round(o.overlap.jaccard, 3),
                "edit_distance": round(o.overlap.edit_distance, 3),
                "short": o.short,
                "conversations": list(o.conversations),
            }
            for o in result.overlaps
        ],
        "conversations": [_verdict_dict(v) for v in result.verdicts],
    }


def write_reports(result: DialogueResult, out_dir: Path, command: str = "") -> list[Path]:
    """Write dialogue.json and dialogue.md into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = out_dir / JSON_NAME, out_dir / MARKDOWN_NAME
    json_path.write_text(
        json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    markdown_path.write_text(render_markdown(result, command), encoding="utf-8")
    return [json_path, markdown_path]


def verdict_lines(verdicts: Sequence[Verdict]) -> list[str]:
    """One line per failed conversation (id: reasons), for an assertion message."""
    return [
        f"  {v.conversation.id}: " + "; ".join(f.key for f in v.failures)
        for v in verdicts
        if not v.goal
    ]


def _turn_traces(report: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Conversation id → per turn: what was sent, the responses the bot chose, what it asked.

    Response names rather than reply texts: texts carry ticket numbers and times, which depend
    on the order concurrent conversations reach the store; the names are what the dialogue
    decided, and two runs of one model and one code base give the same names (checked on the
    215-conversation set).
    """
    return {
        c["id"]: [(t["user"], tuple(t["responses"]), t["asked"]) for t in c["turn_log"]]
        for c in report["conversations"]
    }


def diverging_turns(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """Where two runs' reports (`to_json`) of the same set answer differently, one line per
    conversation: the first turn whose sent text, chosen responses or question differ, or the
    conversation missing from one run. Empty when the runs behaved alike turn by turn."""
    a, b = _turn_traces(first), _turn_traces(second)
    lines = []
    for cid in sorted(a.keys() | b.keys()):
        if cid not in a or cid not in b:
            lines.append(f"{cid}: played in only one run")
            continue
        turns_a, turns_b = a[cid], b[cid]
        for index, (ta, tb) in enumerate(zip(turns_a, turns_b, strict=False), start=1):
            if ta != tb:
                lines.append(f"{cid} turn {index} ({ta[0]!r}): {list(ta[1])} vs {list(tb[1])}")
                break
        else:
            if len(turns_a) != len(turns_b):
                lines.append(f"{cid}: {len(turns_a)} turns vs {len(turns_b)}")
    return lines
