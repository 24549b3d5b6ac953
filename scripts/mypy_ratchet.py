"""The mypy ratchet (`make test`): the number of mypy errors in each file may only fall.

mypy-baseline.json maps a file (its path from the repository root) to the errors it is allowed; a file not in
it is allowed none. The run fails when a file has more errors than its count, and prints the files that now
have fewer, so that the lead can lower the baseline:

    .venv/bin/python scripts/mypy_ratchet.py                         # check (make test)
    .venv/bin/python scripts/mypy_ratchet.py --update                # lower the counts that fell
    .venv/bin/python scripts/mypy_ratchet.py --update --allow-rise   # take today's counts (a refactor's moves)

What mypy checks, and how, is in pyproject.toml ([tool.mypy], [tool.django-stubs]). Counting per file rather
than one total means a fix in one file cannot pay for new errors in another.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.json"
CACHE_DIR = ROOT / ".mypy_cache"

# The django-stubs plugin imports the settings (maharat.config.settings.base) to learn the installed apps and
# models. Every variable has a default there, but a developer's .env or shell may point DATABASE_URL at
# PostgreSQL, CACHE_URL at Redis or set REPLICA_DATABASE_URL: fixed here, so that every machine type-checks
# the same settings (the environment wins over .env). VAR_DIR goes under the cache: the settings create it.
SETTINGS_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "mypy-ratchet",
    "DATABASE_URL": "sqlite:///:memory:",
    "CACHE_URL": "locmemcache://mypy",
    "REPLICA_DATABASE_URL": "",
    "MAHARAT_VAR_DIR": str(CACHE_DIR / "var"),
}


def run_mypy() -> dict[str, list[str]]:
    """Each file's errors as mypy prints them, from one run over [tool.mypy]'s files (incremental cache)."""
    env = {**os.environ, **SETTINGS_ENV}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # [tool.django-stubs] names the settings; a stray one must not win
    # JSON output: one object a line, so a message that contains ": error:" cannot be miscounted.
    cmd = [sys.executable, "-m", "mypy", "--output", "json", "--cache-dir", str(CACHE_DIR)]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    # 0: clean, 1: errors found. 2 is a crash, a bad configuration or a blocking error (a syntax error stops
    # the run half way): its counts would be too low, so they must neither pass nor become the baseline.
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stdout + result.stderr)
        print(f"mypy_ratchet: mypy did not finish (exit {result.returncode}); nothing compared", file=sys.stderr)
        sys.exit(2)
    errors: defaultdict[str, list[str]] = defaultdict(list)
    for line in result.stdout.splitlines():
        if not line.startswith("{"):
            continue  # e.g. "Success: no issues found"
        error = json.loads(line)
        if error["severity"] == "error":  # notes and hints explain an error; they are not one
            module = Path(error["file"]).as_posix()
            errors[module].append(f"{module}:{error['line']}: {error['message']}  [{error['code']}]")
    return dict(errors)


def load_baseline() -> dict[str, int]:
    if not BASELINE.exists():
        return {}
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    return {str(module): int(count) for module, count in data.items()}


def write_baseline(baseline: dict[str, int]) -> None:
    # Sorted, one file a line, no zeros: a diff of the baseline reads as the list of files that changed.
    kept = {module: count for module, count in sorted(baseline.items()) if count > 0}
    BASELINE.write_text(json.dumps(kept, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline: lower the counts that fell")
    parser.add_argument("--allow-rise", action="store_true",
                        help="with --update: also raise counts and add files (the lead's refactors only)")
    args = parser.parse_args(argv)
    if args.allow_rise and not args.update:
        parser.error("--allow-rise needs --update")

    started = time.monotonic()
    errors = run_mypy()
    now = {module: len(lines) for module, lines in errors.items()}
    seconds = time.monotonic() - started
    baseline = load_baseline()

    rose = sorted((m, baseline.get(m, 0), n) for m, n in now.items() if n > baseline.get(m, 0))
    fell = sorted((m, b, now.get(m, 0)) for m, b in baseline.items() if now.get(m, 0) < b)

    for module, before, after in fell:
        gone = "" if (ROOT / module).exists() else " (file gone)"
        print(f"mypy_ratchet: fewer errors in {module}: baseline {before}, now {after}{gone}")
    if fell and not args.update:
        # Not lowered by itself: the baseline is a committed file, and CI must not write to the tree.
        print("mypy_ratchet: lock the gain in: .venv/bin/python scripts/mypy_ratchet.py --update, and commit it")
    if args.update:
        if args.allow_rise:
            updated = dict(now)
        else:
            # Lower only: a file whose count rose keeps its old count (and still fails below).
            updated = {m: min(b, now.get(m, 0)) for m, b in baseline.items()}
        # A file that was deleted or moved has no errors to allow any more.
        write_baseline({m: n for m, n in updated.items() if (ROOT / m).exists()})
        print(f"mypy_ratchet: wrote {BASELINE.name}")

    total = sum(now.values())
    print(f"mypy_ratchet: {total} errors in {len(now)} files (baseline {sum(baseline.values())}), "
          f"mypy took {seconds:.1f} s")
    if rose and not args.allow_rise:
        print("mypy_ratchet: FAILED: more mypy errors than mypy-baseline.json allows:", file=sys.stderr)
        print(f"  {'file':<60} {'baseline':>8} {'now':>5}", file=sys.stderr)
        for module, before, after in rose:
            print(f"  {module:<60} {before:>8} {after:>5}", file=sys.stderr)
        # mypy cannot say which of a file's errors are the new ones: all of that file's are shown.
        print("Their errors (fix them; the baseline is raised only for the lead's refactors):", file=sys.stderr)
        for module, _, _ in rose:
            print("\n".join(f"  {line}" for line in errors[module]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
