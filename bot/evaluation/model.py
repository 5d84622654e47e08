"""The Rasa model under test: where it comes from, and parsing the test set with it in-process.

Parsing goes through `Agent.parse_message`, the same call the Rasa server makes for every user
message (custom components included: `TextNormalizer`, `InputGuard`), so the figures are what
users get. The test set is parsed in one process after one model load (~60 s on this machine),
and each message is timed on its own after a warm-up, because the first parses build TensorFlow
graphs and would otherwise dominate the latency percentiles.

Training (`train_nlu_model`) is only for evaluating another data set (`--train`): the project's
own model comes from `bot.modelcache.ensure_model()`, which reuses the cached model when its
inputs are unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.evaluation.dataset import Prediction
from bot.evaluation.spans import Span, dedupe_spans

__all__ = [
    "ParseResult",
    "load_agent",
    "parse_texts",
    "prediction_from_parse",
    "train_nlu_model",
]

logger = logging.getLogger(__name__)

ParseResult = Mapping[str, Any]
#: How many messages are parsed (and not timed) before timing starts.
WARMUP_MESSAGES = 10
#: Name of the model file `train_nlu_model` writes into its output folder.
NLU_MODEL_NAME = "nlu-eval"


def _response_keys(result: ParseResult) -> dict[str, str]:
    """Retrieval intent → predicted key, from every response selector in the parse result.

    Keyed by the prefix of `intent_response_key` (faq/heating_season → faq: heating_season), so
    it works whether the selector was configured with `retrieval_intent: faq` or as `default`.
    """
    keys: dict[str, str] = {}
    selectors = result.get("response_selector") or {}
    for name, selector in selectors.items():
        if name == "all_retrieval_intents" or not isinstance(selector, Mapping):
            continue
        full = (selector.get("response") or {}).get("intent_response_key")
        if isinstance(full, str) and "/" in full:
            prefix, key = full.split("/", 1)
            keys[prefix] = key
    return keys


def prediction_from_parse(result: ParseResult, latency_ms: float | None = None) -> Prediction:
    """A `Prediction` from one Rasa parse result (the dict `Agent.parse_message` returns).

    Entities that DIET and the RegexEntityExtractor both returned are collapsed to one span
    (`dedupe_spans`); values are kept as the pipeline produced them (after EntitySynonymMapper).
    """
    intent = result.get("intent") or {}
    spans = []
    for entity in result.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        value = entity.get("value")
        spans.append(
            Span(
                entity=str(entity.get("entity")),
                start=start,
                end=end,
                value="" if value is None else str(value),
                source=str(entity.get("extractor") or ""),
            )
        )
    return Prediction(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        response_keys=_response_keys(result),
        spans=tuple(dedupe_spans(spans)),
        text=str(result.get("text") or ""),
        latency_ms=latency_ms,
    )


def quiet_rasa() -> None:
    """Keep Rasa's per-message debug logging (structlog) and warnings out of the report."""
    import structlog

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    for name in ("rasa", "tensorflow", "jieba", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)


def load_agent(model_path: Path) -> Any:
    """Load a trained model into a Rasa `Agent` (graph mode: ~60 s here, then fast parses)."""
    quiet_rasa()
    from rasa.core.agent import Agent

    started = time.monotonic()
    agent = Agent.load(str(model_path))
    logger.info("loaded %s in %.1f s", model_path.name, time.monotonic() - started)
    return agent


def parse_texts(
    agent: Any,
    texts: Sequence[str],
    warmup: int = WARMUP_MESSAGES,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Prediction]:
    """Parse every text with `agent`, timing each parse after `warmup` untimed ones.

    The warm-up messages are the first texts of the set, parsed once more before the timed pass;
    each timed message costs one `parse_message` call, nothing else inside the clock.
    """

    async def run() -> list[Prediction]:
        for text in texts[:warmup]:
            await agent.parse_message(text)
        predictions = []
        for text in texts:
            started = clock()
            result = await agent.parse_message(text)
            elapsed_ms = (clock() - started) * 1000
            predictions.append(prediction_from_parse(result, elapsed_ms))
        return predictions

    return asyncio.run(run())


def train_nlu_model(
    train: Path,
    config: Path,
    out_dir: Path,
    domain: Path | None = None,
    cwd: Path | None = None,
    runner: Callable[..., Any] = subprocess.run,
) -> Path:
    """Train an NLU-only model on `train` with `config` into `out_dir` and return its path.

    Runs `rasa train nlu` as a subprocess (the same command a developer would type), with the
    project root as working directory so relative paths in the config (`data/dict`) resolve.
    `domain` is optional: NLU training needs it only for ResponseSelector response texts, which
    the evaluation does not use. `runner` is replaceable so the command can be tested without
    training anything.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(Path(sys.executable).with_name("rasa")),
        "train",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(train),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        NLU_MODEL_NAME,
    ]
    if domain is not None:
        cmd += ["--domain", str(domain)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    logger.info("training an NLU model: %s", " ".join(cmd))
    runner(cmd, cwd=cwd, check=True, env=env)
    model = out_dir / f"{NLU_MODEL_NAME}.tar.gz"
    if not model.is_file():
        raise FileNotFoundError(f"rasa train nlu finished but wrote no model at {model}")
    return model
