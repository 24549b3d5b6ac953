"""Public certificate verification under load: a real HTTP server, a load generator on loopback.

Starts the application server on the benchmark database with the cache in Redis, as in production: granian
(the production server of docs/deployment.md), then gunicorn for comparison (BENCH_SERVERS). Drives each
with wrk (Debian's package) over 2,000 serials of the dataset, in turn: the public page (/verify/<serial>/,
HTML) and the JSON API (/api/v1/verify/<serial>/). Prints one JSON line: requests per second, p50 and p99
per server and endpoint.

The per-client rate limit (MAHARAT_VERIFY_RATE, 60 a minute by default) would stop a single loopback client
after 60 requests; it is raised for this run only, and still counted on every request (a Redis INCR).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/maharat_bench")
QUICK = os.environ.get("BENCH_QUICK") == "1"
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
SERVERS = os.environ.get("BENCH_SERVERS", "granian,gunicorn").split(",")
DURATION = "3s" if QUICK else "15s"
CONNECTIONS = 16

LUA = """
local serials = {%s}
local i = 0
request = function()
  i = i %% #serials + 1
  return wrk.format("GET", string.format("%s", serials[i]))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def serials() -> list[str]:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
    import django

    django.setup()
    from maharat.assessment.models import Certificate

    return list(Certificate.objects.order_by("?").values_list("serial", flat=True)[:2000])


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, script: Path) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{errors.group(1)} failed responses:\n{out}")
    return {"rps": rps, "p50": to_ms(latency["50"]), "p99": to_ms(latency["99"])}


def command(name: str, port: int) -> list[str]:
    if name == "granian":  # Rust HTTP layer, keep-alive; one single-threaded process per core (the best p99 here)
        return [str(BIN / "granian"), "--interface", "wsgi", "--workers", str(WORKERS), "--blocking-threads", "1",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "maharat.config.wsgi:application"]
    return [str(BIN / "gunicorn"), "maharat.config.wsgi:application", "-w", str(WORKERS * 2), "-b",
            f"127.0.0.1:{port}", "--worker-class", "sync", "--log-level", "warning"]


def measure(name: str, port: int, env: dict[str, str], sample: list[str], cache: str) -> list[dict[str, object]]:
    server = subprocess.Popen(command(name, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    results: list[dict[str, object]] = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/verify/{sample[0]}/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"{name} did not start")
        quoted = ",".join(f'"{s}"' for s in sample)
        workers = f"{WORKERS} workers × 1 thread" if name == "granian" else f"{WORKERS * 2} sync workers"
        with tempfile.TemporaryDirectory() as tmp:
            for measure, template in (("public verification page (HTML)", "/verify/%s/"),
                                      ("public verification API (JSON)", "/api/v1/verify/%s/")):
                script = Path(tmp) / "rotate.lua"
                script.write_text(LUA % (quoted, template))
                wrk(port, script)  # warm-up: every worker connected, templates compiled, verdicts cached
                figures = wrk(port, script)
                results.append({"measure": f"{measure}, {name}", **figures,
                                "note": f"{name} {workers}, cache {cache.split(':')[0]}, wrk 1 thread × "
                                        f"{CONNECTIONS} connections, {len(sample):,} serials, {DURATION}"})
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: scripts/ensure-system-packages.sh installs it")
    sample = serials()
    port = free_port()
    cache = os.environ.get("BENCH_CACHE_URL") or ("redis://127.0.0.1:6379/3" if redis_up() else "locmemcache://bench")
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "CACHE_URL": cache,
           "MAHARAT_VERIFY_RATE": "1000000000", "MAHARAT_DEV_SIGNING_KEY": "true"}
    results = []
    for name in SERVERS:
        results += measure(name, port, env, sample, cache)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
