"""Residents' free text made safe to keep and to hand on: no markup, no control characters, and
no spreadsheet formula.

Whatever a resident types goes into tickets (descriptions, notes, survey comments) that people and
other systems read later: the agents' console and the widget show it as text, but the call-centre
webhook, e-mail and spreadsheet exports may not. The red team stored
`<script>alert(1)</script>师傅态度差` in a complaint verbatim (R12). `plain_text` is applied where
free text enters the ticket store; `spreadsheet_cell` where a value goes into a CSV or Excel cell.
"""

from __future__ import annotations

import re

# An HTML tag, closing tag, declaration (<!DOCTYPE …>, <?xml …?>) or comment, also when it runs
# to the end of the text unclosed (`<img src=x onerror=…`). A tag name is ASCII letters followed
# by a space, `/` or `>`, so `温度<18度` and `<a很低` are text.
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?/]?[A-Za-z][A-Za-z0-9:-]*(?=[\s/>]|\Z)[^<>]*(?:>|\Z)", re.DOTALL
)
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides
# and isolates that make a line display in another order than it is stored.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_text(text: str) -> str:
    """`text` without HTML tags or comments and without control characters (line ends kept as
    `\\n`), as it is stored: `<script>alert(1)</script>师傅态度差` → `alert(1)师傅态度差`.

    Tags are removed until none is left, so one hidden inside another (`<scr<b>ipt>`) goes too.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while True:
        stripped = _MARKUP.sub("", text)
        if stripped == text:
            break
        text = stripped
    return _CONTROLS.sub("", text).strip()


def spreadsheet_cell(value: object) -> object:
    """`value` for a CSV or Excel cell: text that a spreadsheet would run as a formula
    (`=HYPERLINK(…)`, `+1`, `@SUM(…)`) gets a leading `'`; numbers and other text stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
