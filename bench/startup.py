"""Start-up benchmark: how long the stack takes to be ready, and how much memory it holds.

    .venv/bin/python bench/startup.py [--model PATH] [--turns 30]

Starts the action server and the Rasa server on free ports with the demo data (the same code path
as `make run`), records each one's time to ready and resident memory (the whole process tree),
then sends a short conversation through the REST channel and records per-turn latency. Prints a
table and writes bench/results/startup.json. Figures drift with machine load: read them as a
whole run, never as assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.launcher import demo_stack, start, stop  # noqa: E402
from bot.modelcache import ensure_model  # noqa: E402

CONVERSATION = [
    "你好", "暖气不热了", "阳光花园5号楼1单元302", "13812345678", "明天上午", "对", "谢谢"
]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry.name))
            except OSError:
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def say(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--turns", type=int, default=30, help="conversation turns to time")
    args = parser.parse_args()
    model = args.model or ensure_model()
    demo = demo_stack(model, Path(tempfile.mkdtemp(prefix="bench-")))
    services, env = demo.services, demo.env
    result: dict[str, object] = {
        "machine": f"{platform.node()} {os.cpu_count()} cores {platform.machine()}",
        "model": model.name,
    }
    try:
        for service in services:
            began = time.monotonic()
            start([service], env, timeout=600)
            result[f"{service.name} ready s"] = round(time.monotonic() - began, 1)
        url = f"{demo.rasa_url}/webhooks/rest/webhook"
        latencies = [
            say(url, f"bench-{turn // len(CONVERSATION)}", CONVERSATION[turn % len(CONVERSATION)])
            for turn in range(args.turns)
        ]
        for service in services:
            assert service.process is not None
            result[f"{service.name} RSS MB"] = round(tree_rss_mb(service.process.pid))
        result["turn latency p50 ms"] = round(statistics.median(latencies), 1)
        result["turn latency max ms"] = round(max(latencies), 1)
    finally:
        stop(services)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "startup.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
