"""Production-profile throughput: the same load on 1 and on 2 Rasa replicas behind nginx.

    .venv/bin/python bench/prod.py [--users 16] [--seconds 60] [--out bench/results]

For each replica count it starts a throwaway profile (`bot.production.sandbox`: PostgreSQL,
Redis, RabbitMQ, two action servers, nginx), lets `--users` simulated residents book repairs over
REST through nginx for `--seconds` (each user one booking after another, five turns each), and
reports turns per second and latency percentiles. docs/deploy.md sizes a city from these figures.
The figures are this machine's: on 2 cores a second replica shares the same CPUs, so compare
what a replica adds here with caution, and measure on the target hardware.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.modelcache import ensure_model
from bot.production.sandbox import REST_TOKEN, sandbox

BOOKING = [
    "你好",
    "家里暖气不热了，想找师傅来看看",
    "阳光花园5号楼1单元302",
    "13812345678",
    "明天上午",
    "对",  # the details read back: yes, file it
]


def _say(url: str, sender: str, message: str) -> bool:
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {REST_TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return bool(json.loads(response.read()))
    except (urllib.error.URLError, OSError):
        return False


def drive(url: str, users: int, seconds: float) -> dict[str, float]:
    """`users` threads booking repairs until `seconds` pass; turns/s and latency figures."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(index: int) -> None:
        round_no = 0
        while time.monotonic() < stop_at:
            sender = f"bench-{index}-{round_no}"
            for message in BOOKING:
                started = time.monotonic()
                ok = _say(url, sender, message)
                with lock:
                    if ok:
                        latencies.append(time.monotonic() - started)
                    else:
                        errors[0] += 1
            round_no += 1

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {
        "turns": len(ordered),
        "errors": errors[0],
        "seconds": round(elapsed, 1),
        "turns_per_s": round(len(ordered) / elapsed, 2),
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[int(len(ordered) * 0.95)], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    model = ensure_model()
    results = {}
    for replicas in (1, 2):
        with (
            tempfile.TemporaryDirectory() as workdir,
            sandbox(model, Path(workdir), replicas) as stack,
        ):
            drive(stack_url := f"http://127.0.0.1:{stack.ports.public}", 4, 10)  # warm-up
            results[replicas] = drive(stack_url, args.users, args.seconds)
        print(f"{replicas} replica(s): {results[replicas]}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "prod.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("| Rasa replicas | turns/s | p50 | p95 | errors |\n|---|---|---|---|---|")
    for replicas, row in results.items():
        print(
            f"| {replicas} | {row['turns_per_s']} | {row['p50_s']} s | {row['p95_s']} s "
            f"| {row['errors']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
