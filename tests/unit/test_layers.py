"""The import contract of docs/architecture.md: which rooms of `bot/` may import which.

Read from the source with `ast`, nothing imported, so a module that would do something on import
cannot hide an arrow and the check takes a second. Every `import` counts: at module level, inside a
function or under `TYPE_CHECKING` alike, because a lazy import is still an arrow.

A rule that the code breaks for a reason worth keeping goes into `EXCEPTIONS` with that reason;
anything else is a failure naming the module, the line and the import.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.modelcache import MODEL_INPUTS

#: Helpers every layer uses. `bot.base` is the ground floor's package; the four single modules
#: sit on the same floor (standard library only) and keep their paths.
GROUND_FLOOR = ("bot.base", "bot.config", "bot.contract", "bot.labels", "bot.privacy")
RASA = ("rasa", "rasa_sdk")
PROJECT = ("bot", "actions")
#: The NLU modules that are Rasa graph components; the rest of `bot/nlu` is plain text functions.
NLU_COMPONENTS = (
    "bot.nlu.components",
    "bot.nlu.form_answer_policy",
    "bot.nlu.guard",
    "bot.nlu.linear",
    "bot.nlu.safety_net",
    "bot.nlu.stateless",
)
#: Everything of the project that the trained model's hash covers, as module prefixes.
HASHED = tuple(
    name.removesuffix(".py").replace("/", ".")
    for name in MODEL_INPUTS
    if name.startswith("bot/") and (name.endswith(".py") or "." not in name)
)


@dataclass(frozen=True)
class Rule:
    """What the modules of some rooms may import.

    `rooms` and every other field are module prefixes (`bot.store` covers `bot.store.db`).
    Of the project (`bot`, `actions`), a module in `rooms` may import only what `may_import` lists
    (None: any of it); it never imports what `never` lists; with `stdlib_only` it imports nothing
    outside the standard library and the project modules it may import. `unless` exempts modules.
    """

    name: str
    rooms: tuple[str, ...]
    may_import: tuple[str, ...] | None = None
    never: tuple[str, ...] = ()
    stdlib_only: bool = False
    unless: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        "the ground floor imports only the standard library and itself",
        GROUND_FLOOR,
        may_import=GROUND_FLOOR,
        stdlib_only=True,
    ),
    Rule(
        "the store is the data layer: of the project only the ground floor, and no Rasa",
        ("bot.store",),
        may_import=("bot.store", *GROUND_FLOOR),
        never=RASA,
    ),
    Rule(
        "the policy is pure: of the project only the ground floor, and no Rasa",
        ("bot.policy",),
        may_import=("bot.policy", *GROUND_FLOOR),
        never=RASA,
    ),
    Rule(
        "notices go out through the senders channels plug in: notify knows no channel, console, "
        "hand-off or service",
        ("bot.notify",),
        may_import=("bot.notify", "bot.store", "bot.policy", *GROUND_FLOOR),
    ),
    Rule(
        "the NLU imports of the project only what the model's hash (MODEL_INPUTS) covers, so "
        "changing it retrains the model",
        ("bot.nlu",),
        may_import=HASHED,
    ),
    Rule(
        "the NLU's text functions are plain functions: Rasa only in its graph components",
        ("bot.nlu",),
        never=RASA,
        unless=NLU_COMPONENTS,
    ),
    Rule("nothing in bot/ imports the action server's glue", ("bot",), never=("actions",)),
    Rule(
        "the Rasa runtime imports of the project only itself, the store, the policy, the "
        "metrics and the ground floor",
        ("bot.rasa_runtime",),
        may_import=("bot.rasa_runtime", "bot.store", "bot.policy", "bot.metrics", *GROUND_FLOOR),
    ),
    Rule(
        "Rasa loads the runtime (endpoints.yml's tracker store installs the patches): nothing else "
        "in bot/ imports it",
        ("bot",),
        never=("bot.rasa_runtime",),
        unless=("bot.rasa_runtime",),
    ),
)

#: (module, imported module) → why the rule does not hold there yet.
EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    """One imported module, where it is imported."""

    module: str
    line: int
    target: str


def _within(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path, packages: Iterable[str] = PROJECT) -> dict[str, Path]:
    """Every module of `packages` under `root`, by dotted name."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found[_module_name(path, root)] = path
    return found


def imports_of(name: str, path: Path, known: Iterable[str]) -> Iterator[Import]:
    """The modules `name` imports. `from a import b` names `a.b` when that is a module of
    `known`, else `a`; relative imports are resolved against the module's package."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            named = (f"{base}.{alias.name}" for alias in node.names)
            for target in sorted({full if full in known else base for full in named}):
                yield Import(name, node.lineno, target)


def _breaks(rule: Rule, target: str) -> bool:
    top = target.split(".")[0]
    if _within(target, rule.never):
        return True
    if top in PROJECT:
        return rule.may_import is not None and not _within(target, rule.may_import)
    return rule.stdlib_only and top not in sys.stdlib_module_names


def violations(
    root: Path,
    rules: Iterable[Rule] = RULES,
    exceptions: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """One line per import under `root` that breaks a rule and is not excepted, and one per
    exception that no import needs any more (so the list says what is left to do)."""
    excepted = EXCEPTIONS if exceptions is None else exceptions
    modules = project_modules(root)
    rules = list(rules)
    found: list[str] = []
    used: set[tuple[str, str]] = set()
    for name, path in modules.items():
        for imp in imports_of(name, path, modules):
            for rule in rules:
                if not _within(name, rule.rooms) or _within(name, rule.unless):
                    continue
                if not _breaks(rule, imp.target):
                    continue
                if (name, imp.target) in excepted:
                    used.add((name, imp.target))
                    continue
                found.append(
                    f"{path.relative_to(root)}:{imp.line}: {name} imports {imp.target}, "
                    f"but {rule.name}"
                )
    found.extend(
        f"exception no longer needed: {module} imports {target}"
        for module, target in sorted(set(excepted) - used)
    )
    return found


def test_no_module_imports_against_the_architecture() -> None:
    found = violations(PROJECT_ROOT)
    assert not found, "imports against docs/architecture.md:\n" + "\n".join(found)


# --- the checker itself, on a synthetic tree -------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


CLEAN = {
    "bot/__init__.py": "",
    "bot/config.py": "import os\n",
    "bot/base/__init__.py": "",
    "bot/base/clock.py": "from datetime import datetime\nfrom bot.config import settings\n",
    "bot/store/__init__.py": "",
    "bot/store/db.py": "import sqlalchemy\nfrom bot.base import clock\n",
    "bot/services/__init__.py": "",
    "bot/services/tickets.py": "from bot.store import db\nfrom bot.base.clock import now\n",
    "bot/base/numerals.py": "import re\n",
    "bot/nlu/__init__.py": "",
    "bot/nlu/text.py": "import re\nfrom bot.base.numerals import parse_chinese_number\n",
    "bot/nlu/components.py": "import rasa.engine\nfrom bot.nlu import text\n",
    "bot/notify/__init__.py": "",
    "bot/notify/senders.py": "from bot.base.render import flatten\nfrom bot.store import db\n",
    "bot/rasa_runtime/__init__.py": "from bot.rasa_runtime import patch\n",
    "bot/rasa_runtime/patch.py": "import rasa.core\nfrom bot.policy import load_policy\n",
    "actions/__init__.py": "",
    "actions/repair.py": "import rasa_sdk\nfrom bot.services import tickets\n",
}


def test_a_tree_that_keeps_the_rules_passes(tmp_path: Path) -> None:
    assert violations(_tree(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(
    ("module", "line", "message"),
    [
        (
            "bot/store/db.py",
            "from bot.services import tickets",
            "bot.store.db imports bot.services.tickets, but the store is the data layer",
        ),
        ("bot/store/db.py", "def f():\n    import rasa.core\n", "bot.store.db imports rasa.core"),
        ("bot/base/clock.py", "import yaml", "bot.base.clock imports yaml, but the ground floor"),
        ("bot/base/clock.py", "from bot.store.db import x", "bot.base.clock imports bot.store.db"),
        (
            "bot/base/clock.py",
            "from ..services import tickets",
            "bot.base.clock imports bot.services.tickets",
        ),
        (
            "bot/nlu/text.py",
            "from bot.base import clock",
            "bot.nlu.text imports bot.base.clock, but the NLU imports of the project only what",
        ),
        (
            "bot/nlu/text.py",
            "import rasa.shared",
            "bot.nlu.text imports rasa.shared, but the NLU's",
        ),
        (
            "bot/notify/senders.py",
            "from bot.channels.sms import notify",
            "bot.notify.senders imports bot.channels.sms, but notices go out through the senders",
        ),
        (
            "bot/services/tickets.py",
            "from actions import repair",
            "bot.services.tickets imports actions.repair, but nothing in bot/",
        ),
        (
            "bot/rasa_runtime/patch.py",
            "from bot.channels import webchat",
            "bot.rasa_runtime.patch imports bot.channels, but the Rasa runtime imports",
        ),
        (
            "bot/services/tickets.py",
            "from bot.rasa_runtime import install",
            "bot.services.tickets imports bot.rasa_runtime, but Rasa loads the runtime",
        ),
    ],
)
def test_a_planted_violation_is_named(tmp_path: Path, module: str, line: str, message: str) -> None:
    files = dict(CLEAN)
    files[module] += line + "\n"
    found = violations(_tree(tmp_path, files))
    assert len(found) == 1, found
    assert found[0].startswith(f"{module}:")
    assert message in found[0]


def test_an_excepted_import_is_let_through_and_a_stale_exception_reported(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["bot/store/db.py"] += "from bot.services import tickets\n"
    needed = {("bot.store.db", "bot.services.tickets"): "why"}
    assert violations(_tree(tmp_path / "needed", files), exceptions=needed) == []
    assert violations(_tree(tmp_path / "stale", CLEAN), exceptions=needed) == [
        "exception no longer needed: bot.store.db imports bot.services.tickets"
    ]
