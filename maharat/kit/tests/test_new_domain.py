"""A new domain is one app folder, its line in INSTALLED_APPS and its URL include (issue 14): the lending app
under this folder is added by settings.py alone, and check_lending.py proves it gets a scoped register, audited
writes through page, API and import, its menu entry and the start-up check. It runs in its own pytest process, so that
the platform's other tests (the menu's exact entries, for one) see the platform without it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_a_new_app_folder_gets_the_platform() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "maharat.kit.tests.settings"}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "python_files=check_*.py",
         "--ds=maharat.kit.tests.settings", str(HERE / "check_lending.py")],
        env=env, capture_output=True, text=True, cwd=HERE.parents[2], timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\b6 passed", done.stdout), done.stdout[-2000:]
