"""How the cost of the reads grows with the data: the same measures at several sizes of the country.

    .venv/bin/python bench/growth.py            # scales 0.1, 0.3 and national (about 1, 3 and 10 million)

Each size is its own PostgreSQL database (maharat_bench_g0.1, …; the national one is maharat_bench, shared
with `make bench`), built on first use. Prints one table: p50 of each measure at each size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = os.environ.get("BENCH_GROWTH_SCALES", "0.1,0.3,national").split(",")


def database(scale: str) -> str:
    name = "maharat_bench" if scale == "national" else f"maharat_bench_g{scale}"
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    runs = []
    for scale in SCALES:
        print(f"scale {scale} ...", flush=True)
        out = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "reads", "--json"], check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "BENCH_SCALE": scale, "BENCH_DATABASE_URL": database(scale)})
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print()
    print("| measure (p50) | " + " | ".join(f"{r['enrollments'] / 1e6:.1f} M enrollments" for r in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    for i, first in enumerate(runs[0]["results"]):
        cells = [r["results"][i]["p50"] for r in runs]
        print(f"| {first['measure']} | " + " | ".join(cells) + " |")
        if first["baseline"]:
            print("| … its baseline | " + " | ".join(r["results"][i]["baseline"] for r in runs) + " |")


if __name__ == "__main__":
    main()
