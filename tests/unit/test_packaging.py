"""pyproject.toml names the project's direct dependencies; requirements.lock pins what is installed.

The two must agree (issue 19): every direct dependency is pinned in the lock at a version its
specifier allows, and every third-party package that `bot/` or `actions/` imports is declared, so
the code never relies on a package that only arrives as someone else's dependency.
"""

from __future__ import annotations

import ast
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import tomli
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import PROJECT_ROOT

#: Imports that are not distributions of their own: the project's packages.
OWN = {"bot", "actions", "tests"}


def declared() -> dict[str, Requirement]:
    """pyproject's direct dependencies (the test extra included), by canonical name."""
    project = tomli.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return {canonicalize_name(r.name): r for r in map(Requirement, lines)}


def pinned() -> dict[str, str]:
    """requirements.lock as name → version."""
    pins = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            pins[canonicalize_name(name.split("[", 1)[0])] = version.split(";", 1)[0].strip()
    return pins


def imported_top_levels(folders: list[Path]) -> set[str]:
    """Top-level module names imported anywhere in `folders` (absolute imports only)."""
    names: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names


def test_every_direct_dependency_is_pinned_within_its_specifier() -> None:
    pins = pinned()
    missing = sorted(name for name in declared() if name not in pins)
    assert not missing, f"declared in pyproject.toml but not pinned in requirements.lock: {missing}"
    outside = sorted(
        f"{name}=={pins[name]} (pyproject: {req.specifier})"
        for name, req in declared().items()
        if not req.specifier.contains(pins[name], prereleases=True)
    )
    assert not outside, f"lock pins outside pyproject's specifiers: {outside}"


def test_every_third_party_import_of_bot_and_actions_is_declared() -> None:
    distributions = packages_distributions()
    wanted = set(declared())
    undeclared = []
    for module in sorted(imported_top_levels([PROJECT_ROOT / "bot", PROJECT_ROOT / "actions"])):
        if module in OWN or module in sys.stdlib_module_names or module == "__future__":
            continue
        # a distribution without a top-level record is known by its own name (rasa_sdk → rasa-sdk)
        owners = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not owners & wanted:
            undeclared.append(f"{module} (from {sorted(owners)})")
    assert not undeclared, f"imported by bot/ or actions/ but not in pyproject.toml: {undeclared}"
