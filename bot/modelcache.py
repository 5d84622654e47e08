"""Trained-model cache keyed by a hash of everything that shapes the model.

Training takes minutes on this hardware, so `make run`, `make test` and the test fixtures all ask
`ensure_model()` for the model: it trains only when no model exists for the current inputs, and a
file lock makes a second caller wait for the first training instead of starting another one.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from bot.config import PROJECT_ROOT

logger = logging.getLogger(__name__)

#: Files and folders whose content decides the trained model. The NLU components' code is part of
#: it because it changes the text the model is trained on, and so is the ground-floor module they
#: import (tests/unit/test_layers.py checks that nothing else of `bot` is imported by `bot/nlu`).
MODEL_INPUTS: tuple[str, ...] = (
    "config.yml",
    "domain.yml",
    "data",
    "bot/nlu",
    "bot/base/numerals.py",
    "requirements.lock",
)
MODELS_DIR = PROJECT_ROOT / "models"


def _input_files(root: Path, inputs: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for name in inputs:
        path = root / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return sorted(files)


def inputs_hash(root: Path = PROJECT_ROOT, inputs: Iterable[str] = MODEL_INPUTS) -> str:
    """A short hash over the paths and contents of the model's inputs."""
    digest = hashlib.sha256()
    for path in _input_files(root, inputs):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    return root / "models" / f"heating-{inputs_hash(root)}.tar.gz"


def ensure_model(root: Path = PROJECT_ROOT, force: bool = False) -> Path:
    """Return the model for the current inputs, training it first if it is missing."""
    target = model_path(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.parent / ".train.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not force:
            return target
        logger.info("training model %s (inputs changed or no model yet)", target.name)
        started = time.monotonic()
        cmd = [
            str(Path(sys.executable).with_name("rasa")),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(target.parent),
            "--fixed-model-name",
            target.name.removesuffix(".tar.gz"),
        ]
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        subprocess.run(cmd, cwd=root, check=True, env=env)
        elapsed = time.monotonic() - started
        (target.parent / f"{target.name}.train-seconds").write_text(f"{elapsed:.1f}\n")
        logger.info("trained %s in %.1f s", target.name, elapsed)
        return target


def register(subparsers: argparse._SubParsersAction) -> None:
    """`model ensure` trains only when needed; `model path` prints the current model's path."""
    parser = subparsers.add_parser("model", help="the trained model, cached by input hash")
    actions = parser.add_subparsers(dest="model_command", required=True)
    ensure = actions.add_parser("ensure", help="train unless a model for these inputs exists")
    ensure.add_argument("--force", action="store_true", help="train even if the model exists")
    ensure.set_defaults(handler=lambda args: _print(ensure_model(force=args.force)))
    path = actions.add_parser("path", help="print where the model for these inputs lives")
    path.set_defaults(handler=lambda args: _print(model_path()))


def _print(path: Path) -> int:
    print(path)
    return 0
