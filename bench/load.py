"""Load benchmark: the assistant against the stock `rasa init` assistant, in one run.

    .venv/bin/python bench/load.py [--quick] [--skip-baseline] [--out bench/results]

What it does, in order (one process at a time owns the CPU; nothing is trained while load runs):

1. Makes sure both models exist: the project's (`bot.modelcache.ensure_model`, cached by its
   inputs) and the stock one (`rasa init --no-prompt` in `var/bench/stock-<rasa version>`,
   trained once and kept). Training times are read from / written next to the models.
2. Starts the project stack on the demo data (action server + Rasa server, the WeChat channel
   configured against a local stand-in of WeChat's API) and measures start-up time and, while
   the load runs, each process's peak resident memory.
3. Drives simulated users concurrently through multi-turn conversations (repair booking, fee query
   with verification, outage query, FAQ, hand-off request) over REST at 16 users and over the
   WeChat channel (signed XML) at 20 users: latency p50/p95/p99, throughput, errors, and WeChat
   answers that missed the passive-reply budget (the channel answered `success` and pushed later).
4. Sends one conversation of 300 turns from one sender and compares the latency of the last
   turns with the first (a WeChat user keeps one OpenID for years).
5. Does 2 and 3 (REST) and 4 for the stock assistant with the same concurrency and turn counts.

Prints a Markdown table and writes `load.json` and `load.md` to the output folder. The figures
are this machine's and drift with its load: compare ratios within one run, never assert on them.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.startup import tree_rss_mb  # noqa: E402
from bot.launcher import Service, demo_stack, free_port, start, stop  # noqa: E402
from bot.modelcache import ensure_model  # noqa: E402

WECHAT_TOKEN = "bench-token"
WECHAT_APP_ID = "wxbench000000001"
WECHAT_APP_SECRET = "bench-secret"
WECHAT_ACCOUNT = "gh_bench"

#: The project's conversations: what its users come for, one fresh sender per conversation.
PROJECT_CONVERSATIONS: dict[str, list[str]] = {
    "repair": ["暖气不热了", "阳光花园5号楼1单元302", "13812345678", "明天上午", "对"],
    "fee": ["查一下暖气费", "0102345678", "5678"],
    "outage": ["幸福里小区停暖了吗"],
    "faq": ["今年几号开始供暖", "暖气费在哪交"],
    "handoff": ["你好", "转人工"],
}
#: The stock assistant's own small talk (moodbot), the same number of turns per round.
STOCK_CONVERSATIONS: dict[str, list[str]] = {
    "mood": ["hello", "I am sad", "yes", "great"],
    "happy": ["hi", "I am great", "bye"],
    "challenge": ["are you a bot?"],
    "bye": ["good morning", "goodbye"],
    "sad": ["hey", "very sad"],
}
LONG_TURNS = ["今年几号开始供暖", "幸福里小区停暖了吗", "你好", "谢谢", "暖气费在哪交"]
#: A repair form that never ends: the address is never given (side questions, hesitation,
#: answers the form cannot take), so the form stays active for every turn.
LONG_FORM_TURNS = ["嗯", "等等", "我看看", "今年几号开始供暖", "这个嘛", "我想一下", "哦"]


# --------------------------------------------------------------------------- measuring


@dataclass
class RunResult:
    """One load run: every turn's latency, the errors, and how long the run took."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    slow_path: int = 0
    wall_s: float = 0.0

    def summary(self) -> dict[str, float | int]:
        """p50/p95/p99, throughput (turns per second), errors and slow-path answers."""
        ordered = sorted(self.latencies_ms)
        return {
            "turns": len(ordered),
            "errors": self.errors,
            "slow_path": self.slow_path,
            "throughput_tps": round(len(ordered) / self.wall_s, 2) if self.wall_s else 0.0,
            "p50_ms": round(percentile(ordered, 50), 1),
            "p95_ms": round(percentile(ordered, 95), 1),
            "p99_ms": round(percentile(ordered, 99), 1),
        }


def percentile(ordered: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class PeakMemory:
    """Samples each service's process-tree RSS every half second; keeps the peak."""

    def __init__(self, services: Sequence[Service]) -> None:
        self.services = services
        self.peak_mb: dict[str, float] = {s.name: 0.0 for s in services}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for service in self.services:
                if service.process is not None:
                    rss = tree_rss_mb(service.process.pid)
                    self.peak_mb[service.name] = max(self.peak_mb[service.name], rss)
            self._stop.wait(0.5)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- clients

Turn = Callable[[aiohttp.ClientSession, str, str], Awaitable[bool]]


def rest_turn(base_url: str) -> Turn:
    """One REST turn; true when the bot answered with at least one message."""
    url = f"{base_url}/webhooks/rest/webhook"

    async def turn(http: aiohttp.ClientSession, sender: str, text: str) -> bool:
        async with http.post(url, json={"sender": sender, "message": text}) as response:
            response.raise_for_status()
            return bool(await response.json())

    return turn


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's URL signature: sha1 of the sorted token, timestamp and nonce."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def wechat_turn(base_url: str, token: str = WECHAT_TOKEN) -> Turn:
    """One signed plain-mode WeChat text message; false when the answer went to the slow path."""
    url = f"{base_url}/webhooks/wechat/webhook"

    async def turn(http: aiohttp.ClientSession, sender: str, text: str) -> bool:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        params = {
            "signature": wechat_signature(token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": sender,
        }
        body = (
            f"<xml><ToUserName><![CDATA[{WECHAT_ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content>"
            f"<MsgId>{uuid.uuid4().int % 10**18}</MsgId></xml>"
        )
        async with http.post(url, params=params, data=body.encode()) as response:
            response.raise_for_status()
            answer = (await response.text()).strip()
        return answer not in ("", "success")

    return turn


async def drive(
    turn: Turn,
    conversations: dict[str, list[str]],
    users: int,
    rounds: int,
    tag: str,
    timeout_s: float = 60.0,
) -> RunResult:
    """`users` concurrent users, each running every conversation `rounds` times in a row.

    A turn that answers nothing counts in `slow_path` (WeChat: answered later by push); an HTTP
    error or timeout counts in `errors` and ends that conversation.
    """
    result = RunResult()
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    connector = aiohttp.TCPConnector(limit=users * 2)

    async def user(index: int, http: aiohttp.ClientSession) -> None:
        for round_no in range(rounds):
            for name, texts in conversations.items():
                sender = f"{tag}-{index}-{round_no}-{name}"
                for text in texts:
                    began = time.perf_counter()
                    try:
                        answered = await turn(http, sender, text)
                    except (aiohttp.ClientError, asyncio.TimeoutError):
                        result.errors += 1
                        break
                    result.latencies_ms.append((time.perf_counter() - began) * 1000)
                    if not answered and name != "handoff":
                        result.slow_path += 1

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        began = time.perf_counter()
        await asyncio.gather(*(user(i, http) for i in range(users)))
        result.wall_s = time.perf_counter() - began
    return result


async def long_conversation(
    turn: Turn, turns: int, tag: str, messages: list[str] = LONG_TURNS, opening: str = ""
) -> dict[str, float]:
    """One sender, `turns` turns in a row (after `opening`, if any): median latency of the first
    and last 20 turns."""
    latencies: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        sender = f"{tag}-long-{uuid.uuid4().hex[:6]}"
        if opening:
            await turn(http, sender, opening)
        for index in range(turns):
            began = time.perf_counter()
            await turn(http, sender, messages[index % len(messages)])
            latencies.append((time.perf_counter() - began) * 1000)
    window = min(20, max(1, turns // 5))
    first = statistics.median(latencies[:window])
    last = statistics.median(latencies[-window:])
    return {
        "turns": turns,
        "first_p50_ms": round(first, 1),
        "last_p50_ms": round(last, 1),
        "last_over_first": round(last / first, 2),
    }


# --------------------------------------------------------------------------- the two assistants


def stock_project(workdir: Path) -> tuple[Path, float | None]:
    """The stock `rasa init` assistant's model, trained once per Rasa version and kept."""
    import rasa

    folder = workdir / f"stock-{rasa.__version__}"
    models = sorted((folder / "models").glob("*.tar.gz")) if folder.exists() else []
    seconds_file = folder / "train-seconds"
    if models:
        seconds = float(seconds_file.read_text()) if seconds_file.exists() else None
        return models[-1], seconds
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    began = time.monotonic()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "init", "--no-prompt", "--init-dir", "."],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - began
    seconds_file.write_text(f"{seconds:.0f}")
    return sorted((folder / "models").glob("*.tar.gz"))[-1], seconds


def stock_services(model: Path, folder: Path) -> tuple[list[Service], str]:
    """The stock assistant as `rasa run` serves it: default endpoints (in-memory trackers)."""
    port = free_port()
    argv = [
        str(Path(sys.executable).with_name("rasa")),
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--credentials",
        str(folder / "credentials.yml"),
    ]
    url = f"http://127.0.0.1:{port}"
    return [Service("stock Rasa server", argv, f"{url}/")], url


def timed_start(services: Sequence[Service], env: dict[str, str]) -> dict[str, float]:
    """Start services one after the other; seconds until each answered its ready URL."""
    ready: dict[str, float] = {}
    for service in services:
        began = time.monotonic()
        start([service], env, timeout=600)
        ready[service.name] = round(time.monotonic() - began, 1)
    return ready


def project_train_seconds(model: Path) -> float | None:
    """The recorded training time of the project model (written by `bot.modelcache`)."""
    recorded = model.with_name(model.name + ".train-seconds")
    return float(recorded.read_text()) if recorded.exists() else None


# --------------------------------------------------------------------------- report


def markdown(result: dict[str, Any]) -> str:
    """The benchmark's table, project beside stock, with the targets."""
    p, s = result["project"], result.get("stock", {})
    rest16, stock16 = p["rest_16"], s.get("rest_16", {})
    wechat = p.get("wechat_20", {})
    ratio = (
        round(rest16["throughput_tps"] / stock16["throughput_tps"], 2)
        if stock16.get("throughput_tps")
        else None
    )
    rows = [
        ("throughput, REST, 16 users (turns/s)", rest16["throughput_tps"],
         stock16.get("throughput_tps"), f"≥ 2× stock (ratio {ratio})"),
        ("REST latency p50 / p95 / p99 ms",
         f"{rest16['p50_ms']} / {rest16['p95_ms']} / {rest16['p99_ms']}",
         f"{stock16.get('p50_ms')} / {stock16.get('p95_ms')} / {stock16.get('p99_ms')}"
         if stock16 else None, ""),
        ("REST errors", rest16["errors"], stock16.get("errors"), "0"),
        ("WeChat, 20 users: p50 / p95 / p99 ms",
         f"{wechat.get('p50_ms')} / {wechat.get('p95_ms')} / {wechat.get('p99_ms')}", "—",
         "p99 ≤ 1000"),
        ("WeChat errors / answers pushed later", f"{wechat.get('errors')} / "
         f"{wechat.get('slow_path')}", "—", "0 / 0"),
        ("turn 300 latency ÷ turn 1 latency", p["long"]["last_over_first"],
         s.get("long", {}).get("last_over_first"), "≤ 1.3"),
        ("the same with a form open all along", p.get("long_form", {}).get("last_over_first"),
         "—", "≤ 1.3"),
        ("Rasa server ready (s)", p["ready_s"].get("Rasa server"),
         s.get("ready_s", {}).get("stock Rasa server"), "≤ 45"),
        ("Rasa server peak RSS (MB)", p["peak_rss_mb"].get("Rasa server"),
         s.get("peak_rss_mb", {}).get("stock Rasa server"), "≤ 1,229 (1.2 GB)"),
        ("action server peak RSS (MB)", p["peak_rss_mb"].get("action server"), "—", "≤ 250"),
        ("training of this model (s; Rasa's cache may have reused parts)", p.get("train_s"),
         s.get("train_s"), "full ≤ 300"),
    ]  # fmt: skip
    lines = [
        f"Machine: {result['machine']}; {result['when']}; model {p['model']}.",
        "",
        "| figure | this assistant | stock `rasa init` | target |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {name} | {mine} | {stock if stock is not None else '—'} | {target} |"
              for name, mine, stock, target in rows]  # fmt: skip
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def measure_project(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Start the project stack and run every load against it."""
    from bot.standins.wechat_api import WeChatApiStandIn

    model = args.model or ensure_model()
    wechat_api = WeChatApiStandIn(WECHAT_APP_ID, WECHAT_APP_SECRET).start()
    demo = demo_stack(
        model,
        workdir / "project",
        extra_env={
            "WECHAT_TOKEN": WECHAT_TOKEN,
            "WECHAT_APP_ID": WECHAT_APP_ID,
            "WECHAT_APP_SECRET": WECHAT_APP_SECRET,
            "WECHAT_API_BASE": wechat_api.base_url,
            "LOG_LEVEL": "WARNING",
        },
    )
    if args.rasa_tracker_store:
        _use_rasas_sql_tracker_store(workdir / "project" / "endpoints.yml")
    out: dict[str, Any] = {
        "model": model.name,
        "train_s": project_train_seconds(model),
        "tracker_store": "SQL" if args.rasa_tracker_store else "CachingSQL",
    }
    try:
        out["ready_s"] = timed_start(demo.services, demo.env)
        with PeakMemory(demo.services) as memory:
            rest, wechat = rest_turn(demo.rasa_url), wechat_turn(demo.rasa_url)
            asyncio.run(drive(rest, {"warm": ["你好"]}, 2, 1, "warmup"))
            out["rest_16"] = asyncio.run(
                drive(rest, PROJECT_CONVERSATIONS, 16, args.rounds, "rest")
            ).summary()
            out["wechat_20"] = asyncio.run(
                drive(wechat, PROJECT_CONVERSATIONS, 20, args.rounds, "wx")
            ).summary()
            out["long"] = asyncio.run(long_conversation(rest, args.long_turns, "project"))
            out["long_form"] = asyncio.run(
                long_conversation(rest, args.long_turns, "form", LONG_FORM_TURNS, "我家暖气不热")
            )
        out["peak_rss_mb"] = {k: round(v) for k, v in memory.peak_mb.items()}
    finally:
        stop(demo.services)
        wechat_api.stop()
    return out


def _use_rasas_sql_tracker_store(endpoints: Path) -> None:
    """Point the stack at Rasa's own SQLTrackerStore (the before of
    bot/rasa_runtime/tracker_store.py)."""
    import yaml

    config = yaml.safe_load(endpoints.read_text(encoding="utf-8"))
    config["tracker_store"]["type"] = "SQL"
    endpoints.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def measure_stock(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Train (once) and start the stock assistant, and run the same REST loads against it."""
    model, train_s = stock_project(workdir)
    services, url = stock_services(model, model.parent.parent)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    out: dict[str, Any] = {"model": model.name, "train_s": train_s}
    try:
        out["ready_s"] = timed_start(services, env)
        with PeakMemory(services) as memory:
            rest = rest_turn(url)
            asyncio.run(drive(rest, {"warm": ["hello"]}, 2, 1, "warmup"))
            out["rest_16"] = asyncio.run(
                drive(rest, STOCK_CONVERSATIONS, 16, args.rounds, "rest")
            ).summary()
            out["long"] = asyncio.run(long_conversation(rest, args.long_turns, "stock"))
        out["peak_rss_mb"] = {k: round(v) for k, v in memory.peak_mb.items()}
    finally:
        stop(services)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="project model (default: cached)")
    parser.add_argument("--rounds", type=int, default=3, help="conversation rounds per user")
    parser.add_argument("--long-turns", type=int, default=300, help="turns of the long run")
    parser.add_argument("--quick", action="store_true", help="1 round, 60 long turns (smoke)")
    parser.add_argument("--skip-baseline", action="store_true", help="project only")
    parser.add_argument(
        "--rasa-tracker-store",
        action="store_true",
        help="run the project on Rasa's own SQLTrackerStore (to measure the caching store)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.long_turns = 1, 60
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}",
        "when": time.strftime("%Y-%m-%d %H:%M %Z"),
        "rounds": args.rounds,
    }
    if not args.skip_baseline:
        stock_project(workdir)  # train before any load runs, never during one
    with tempfile.TemporaryDirectory(prefix="bench-", dir=workdir) as scratch:
        result["project"] = measure_project(args, Path(scratch))
    if not args.skip_baseline:
        result["stock"] = measure_stock(args, workdir)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    table = markdown(result)
    (args.out / "load.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
