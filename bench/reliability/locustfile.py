"""The load of `make reliability` (bench/reliability/run.py starts Locust on it; not meant to be run by hand).

Simulated users play the reverse proxy as well as the browser, as scripts/prod_smoke.py does: plain HTTP to
the application server on loopback with the public name in `Host`, `X-Forwarded-Proto: https` and an
`X-Forwarded-For` address per user; the Secure cookies are sent back as a browser does over HTTPS.

- Reader (pages, signed in with the login form): home, the registers, a trainee's page, a search of the
  trainee register (?q=), the scorecard page (/monitoring/) and the scorecard API (/api/v1/scorecard/).
- CenterEntry (API token of a center head) and ProvincialEntry (API token of a provincial expert): create
  trainees, course runs (ending in the open months, so the period lock allows them) and enrollments in them;
  read and search through the API.
- Importer (pages, a center head): uploads a small CSV of new trainees for a dry run, then commits it.

Every write is logged to REL_WRITES before it is sent (ok=null) and again with its outcome and the id the
server returned, for `dbcheck.py verify`. Every request is logged to REL_REQUESTS (start, seconds, name,
status, outcome, content type of a failed answer) for the restart analysis. A request is failed on any status it should not have, on a page
that is not the one asked for, and on no answer within REL_TIMEOUT seconds (a "hang").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import random
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["REL_FIXTURE"]).read_text())
HOST = os.environ.get("REL_PUBLIC_HOST", "maharat.localhost")
ORIGIN = f"https://{HOST}"
TIMEOUT = float(os.environ.get("REL_TIMEOUT", "10"))
RUN = os.environ.get("REL_RUN", "X")
WAIT = [float(x) for x in os.environ.get("REL_WAIT", "2,8").split(",")]
IMPORT_ROWS = int(os.environ.get("REL_IMPORT_ROWS", "20"))
WEIGHTS = dict(part.split("=") for part in os.environ.get(
    "REL_WEIGHTS", "readers=10,center=4,province=2,importers=1").split(","))

WRITES = open(os.environ["REL_WRITES"], "a", buffering=1, encoding="utf-8")  # open for the whole run
REQUESTS = open(os.environ["REL_REQUESTS"], "a", buffering=1, encoding="utf-8", newline="")
REQUEST_LOG = csv.writer(REQUESTS)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATUS = re.compile(r'data-status="([a-z]+)"')
TODAY = dt.date.today()

# Shared by the simulated users of this process (gevent: one thread, no locks needed).
ACCOUNT_TURN: dict[str, itertools.count] = defaultdict(itertools.count)
CODES = itertools.count()
TRAINEES: dict[str, list[str]] = defaultdict(list)  # unit code -> national codes registered there in this run
RUNS: dict[str, list[dict[str, Any]]] = defaultdict(list)  # unit code -> course runs created in this run
ENROLLED: set[tuple[str, str]] = set()
RUN_CODES = itertools.count(1)


def national_code() -> str:
    """The next unused national code: a free five-digit prefix (dbcheck.py prepare), a counter, the check digit."""
    while True:
        n = next(CODES)
        first = FIXTURE["code_prefixes"][n // 10000] + f"{n % 10000:04d}"
        remainder = sum(int(d) * (10 - i) for i, d in enumerate(first)) % 11
        code = first + str(remainder if remainder < 2 else 11 - remainder)
        if len(set(code)) > 1:
            return code


def person() -> dict[str, Any]:
    sex = random.choice("MF")
    names = FIXTURE["names"]
    birth = dt.date(random.randint(1975, 2008), random.randint(1, 12), random.randint(1, 28))
    return {"national_code": national_code(), "first_name": random.choice(names["male" if sex == "M" else "female"]),
            "last_name": random.choice(names["last"]), "sex": sex, "birth_date": birth.isoformat(),
            "residence": random.choice(["urban", "urban", "rural", "nomad"])}


def log_write(kind: str, key: Any, ok: bool | None, pk: int | None = None, status: int | None = None,
              user: str = "") -> None:
    WRITES.write(json.dumps({"run": RUN, "kind": kind, "key": key, "ok": ok, "id": pk, "status": status,
                             "user": user, "t": time.time()}, ensure_ascii=False) + "\n")


class Platform(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    pool = ""

    def on_start(self) -> None:
        accounts = FIXTURE["accounts"][self.pool]
        self.account = accounts[next(ACCOUNT_TURN[self.pool]) % len(accounts)]
        self.username = self.account["username"]
        n = next(ACCOUNT_TURN["address"])
        self.client.headers.update({"Host": HOST, "X-Forwarded-Proto": "https",
                                    "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 + 1}",
                                    "Accept-Language": "fa", "User-Agent": "maharat-reliability"})
        self.api_headers: dict[str, str] = {}
        self.signed_in = False

    # ---- one request: expected status, the page it should be, a timeout; logged for the restart analysis
    def call(self, method: str, path: str, name: str, expect: tuple[int, ...] = (200,), must: str = "",
             **kwargs: Any) -> Any:
        started = time.time()
        with self.client.request(method, path, name=name, catch_response=True, timeout=TIMEOUT,
                                 allow_redirects=False, **kwargs) as r:
            seconds = time.time() - started
            for cookie in r.cookies:  # Secure cookies, sent back over the loopback hop as the proxy would
                self.client.cookies.set(cookie.name, cookie.value)
            error = getattr(r, "error", None)
            if not r.status_code:  # no answer: refused, reset, or nothing within the timeout
                text = repr(error)
                outcome = "timeout" if "timeout" in text.lower() or "timed out" in text.lower() else "no_answer"
                r.failure(f"{outcome}: {text[:200]}")
            elif r.status_code not in expect:
                outcome = f"http_{r.status_code}"
                r.failure(f"{r.status_code} (expected {expect}): {r.text[:300]!r}")
            elif must and must not in r.text:
                outcome = "wrong_page"
                r.failure(f"the answer is not the expected page (no {must!r}): {r.text[:300]!r}")
            else:
                outcome = "ok"
                r.success()
            kind = (r.headers.get("Content-Type") or "").split(";")[0] if outcome != "ok" and r.status_code else ""
            REQUEST_LOG.writerow([f"{started:.3f}", f"{seconds:.3f}", method, name, r.status_code, outcome,
                                  self.username, kind])
            r.outcome = outcome
            return r

    def sign_in(self) -> bool:
        """The login form (CSRF token, Origin of the public site), as a browser."""
        self.client.cookies.clear()
        page = self.call("GET", "/accounts/login/", "/accounts/login/", must="csrfmiddlewaretoken")
        match = CSRF_INPUT.search(page.text or "")
        if page.outcome != "ok" or not match:
            return False
        form = {"csrfmiddlewaretoken": match.group(1), "username": self.username, "password": FIXTURE["password"],
                "next": ""}
        r = self.call("POST", "/accounts/login/", "POST /accounts/login/", expect=(302,), data=form,
                      headers={"Origin": ORIGIN, "Referer": f"{ORIGIN}/accounts/login/"})
        self.signed_in = r.outcome == "ok"
        return self.signed_in

    def get_token(self) -> bool:
        r = self.call("POST", "/api/v1/auth/token/", "POST /api/v1/auth/token/", expect=(201,),
                      json={"username": self.username, "password": FIXTURE["password"], "name": "reliability"})
        if r.outcome != "ok":
            return False
        self.api_headers = {"Authorization": f"Token {r.json()['token']}", "Accept": "application/json"}
        return True

    def page(self, path: str, name: str, must: str = "</html>") -> Any:
        if not self.signed_in and not self.sign_in():
            return None
        r = self.call("GET", path, name, must=must)
        if r.status_code == 302 and "/accounts/login/" in r.headers.get("Location", ""):
            self.signed_in = False  # the session ended: sign in again next time
        return r

    def api(self, method: str, path: str, name: str, expect: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        if not self.api_headers and not self.get_token():
            return None
        return self.call(method, path, name, expect=expect, headers=self.api_headers, **kwargs)

    def year(self) -> int:
        return random.choice(FIXTURE["years"])


class Reader(Platform):
    """Reads pages: the registers, a trainee, a search, the scorecards (page and API)."""

    pool = "readers"
    weight = int(WEIGHTS["readers"])

    def on_start(self) -> None:
        super().on_start()
        self.sign_in()

    @task(3)
    def home(self) -> None:
        self.page("/", "/")

    @task(2)
    def trainees(self) -> None:
        self.page("/trainees/", "/trainees/", must="<table")

    @task(1)
    def course_runs(self) -> None:
        self.page("/course-runs/", "/course-runs/", must="<table")

    @task(1)
    def enrollments(self) -> None:
        self.page("/enrollments/", "/enrollments/", must="<table")

    @task(3)
    def trainee(self) -> None:
        if self.account["trainees"]:
            self.page(f"/trainees/{random.choice(self.account['trainees'])}/", "/trainees/[id]/")

    @task(3)
    def search(self) -> None:
        self.page(f"/trainees/?q={random.choice(FIXTURE['search_terms'])}", "/trainees/?q=[text]", must="<table")

    @task(2)
    def scorecard_page(self) -> None:
        self.page(f"/monitoring/?year={self.year()}", "/monitoring/?year=[y]")

    @task(1)
    def province_scorecard(self) -> None:
        if self.account["role"] in ("hq_viewer", "provincial_manager"):
            code = self.account["unit"] if self.account["role"] != "hq_viewer" else random.choice(FIXTURE["provinces"])
            self.page(f"/monitoring/{code}/?year={self.year()}", "/monitoring/[province]/?year=[y]")

    @task(2)
    def scorecard_api(self) -> None:
        if self.signed_in or self.sign_in():  # the session authenticates the API for reads
            self.call("GET", f"/api/v1/scorecard/?year={self.year()}", "/api/v1/scorecard/?year=[y]",
                      must='"rows"', headers={"Accept": "application/json"})


class Entry(Platform):
    """Enters records through the API with a token."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.get_token()

    def unit(self) -> str:
        return self.account["unit"]

    def create_trainee(self, unit: str) -> None:
        data = {**person(), "registered_unit": unit}
        code = data["national_code"]
        log_write("trainee", code, None, user=self.username)
        r = self.api("POST", "/api/v1/trainees/", "POST /api/v1/trainees/", expect=(201,), json=data)
        if r is None:
            log_write("trainee", code, False, user=self.username)
        elif r.outcome == "ok":
            log_write("trainee", code, True, r.json()["id"], 201, self.username)
            TRAINEES[unit].append(code)
        else:
            log_write("trainee", code, False, status=r.status_code, user=self.username)

    def create_run(self, unit: str) -> None:
        # Ends in the open months (this one or the next two): the period lock lets it in.
        start = TODAY - dt.timedelta(days=random.randint(0, 40))
        end = TODAY + dt.timedelta(days=random.randint(3, 75))
        code = f"RL{RUN}-{next(RUN_CODES):05d}"
        # Within the course-run bounds (training.models.course_run_errors): at most 200 seats and 10 hours a day.
        hours = (end - start).days * 6
        data = {"code": code, "unit": unit, "standard": random.choice(FIXTURE["standards"]), "mode": "fixed_center",
                "start_date": start.isoformat(), "end_date": end.isoformat(), "capacity": 200, "hours": hours}
        log_write("courserun", code, None, user=self.username)
        r = self.api("POST", "/api/v1/course-runs/", "POST /api/v1/course-runs/", expect=(201,), json=data)
        if r is not None and r.outcome == "ok":
            body = r.json()
            log_write("courserun", code, True, body["id"], 201, self.username)
            RUNS[unit].append({"code": code, "hours": body["hours"], "n": 0})
        else:
            log_write("courserun", code, False, status=getattr(r, "status_code", None), user=self.username)

    def enroll(self, unit: str) -> None:
        if not RUNS[unit]:
            return self.create_run(unit)
        if not TRAINEES[unit]:  # enrolling needs the trainee in one's scope: those registered at the unit
            return self.create_trainee(unit)
        run = random.choice(RUNS[unit][-5:])  # the unit's latest runs: several users enter the same month
        for _ in range(10):
            trainee = random.choice(TRAINEES[unit][-300:])
            if (run["code"], trainee) not in ENROLLED:
                break
        else:
            return None
        ENROLLED.add((run["code"], trainee))
        completed = random.random() < 0.3
        data = {"course_run": run["code"], "trainee": trainee, "status": "completed" if completed else "enrolled",
                "hours_attended": run["hours"] if completed else random.randint(0, run["hours"] // 2)}
        key = [run["code"], trainee]
        log_write("enrollment", key, None, user=self.username)
        r = self.api("POST", "/api/v1/enrollments/", "POST /api/v1/enrollments/", expect=(201,), json=data)
        if r is not None and r.outcome == "ok":
            log_write("enrollment", key, True, r.json()["id"], 201, self.username)
        else:
            log_write("enrollment", key, False, status=getattr(r, "status_code", None), user=self.username)
        return None


class CenterEntry(Entry):
    pool = "center"
    weight = int(WEIGHTS["center"])

    @task(3)
    def trainee(self) -> None:
        self.create_trainee(self.unit())

    @task(1)
    def course_run(self) -> None:
        self.create_run(self.unit())

    @task(5)
    def enrollment(self) -> None:
        self.enroll(self.unit())

    @task(1)
    def runs(self) -> None:
        self.api("GET", f"/api/v1/course-runs/?unit={self.unit()}", "/api/v1/course-runs/?unit=[code]")

    @task(1)
    def search(self) -> None:
        self.api("GET", f"/api/v1/trainees/?q={random.choice(FIXTURE['search_terms'])}", "/api/v1/trainees/?q=[text]")


class ProvincialEntry(Entry):
    pool = "province"
    weight = int(WEIGHTS["province"])

    def unit(self) -> str:
        return random.choice(FIXTURE["province_centers"][self.account["unit"]])

    @task(3)
    def trainee(self) -> None:
        self.create_trainee(self.unit())

    @task(1)
    def course_run(self) -> None:
        self.create_run(self.unit())

    @task(5)
    def enrollment(self) -> None:
        self.enroll(self.unit())

    @task(1)
    def scorecard(self) -> None:
        self.api("GET", f"/api/v1/scorecard/?year={self.year()}&unit={self.account['unit']}",
                 "/api/v1/scorecard/?year=[y]&unit=[province]")


class Importer(Platform):
    """A center head's import of new trainees from a CSV file: dry run, then commit (the page's flow)."""

    pool = "importers"
    weight = int(WEIGHTS["importers"])

    def on_start(self) -> None:
        super().on_start()
        self.sign_in()

    def csv_file(self) -> tuple[bytes, list[str]]:
        h = FIXTURE["import_headers"]
        columns = ["national_code", "first_name", "last_name", "sex", "birth_date", "residence", "registered_unit"]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([h[c] for c in columns])
        codes = []
        for _ in range(IMPORT_ROWS):
            p = person()
            codes.append(p["national_code"])
            birth = dt.date.fromisoformat(p["birth_date"])
            writer.writerow([p["national_code"], p["first_name"], p["last_name"], "مرد" if p["sex"] == "M" else "زن",
                             birth.isoformat(), {"urban": "شهری", "rural": "روستایی", "nomad": "عشایری"}[p["residence"]],
                             self.account["unit"]])
        return out.getvalue().encode("utf-8-sig"), codes

    def batch_status(self, location: str) -> tuple[str, str]:
        path = location.replace(ORIGIN, "")
        r = self.call("GET", path, "/import/[id]/", must="data-status", headers={"HX-Request": "true"})
        match = STATUS.search(r.text or "") if r.outcome == "ok" else None
        return path, match.group(1) if match else ""

    @task(1)
    def home(self) -> None:
        self.page("/", "/")

    @task(2)
    def import_trainees(self) -> None:
        form = self.page("/import/", "/import/", must="csrfmiddlewaretoken")
        match = CSRF_INPUT.search(getattr(form, "text", "") or "")
        if form is None or not match:
            return
        data, codes = self.csv_file()
        headers = {"Origin": ORIGIN, "Referer": f"{ORIGIN}/import/"}
        log_write("import", codes, None, user=self.username)
        r = self.call("POST", "/import/", "POST /import/ (dry run)", expect=(302,), headers=headers,
                      data={"csrfmiddlewaretoken": match.group(1), "kind": "trainees", "dry_run": "on"},
                      files={"file": ("trainees.csv", data, "text/csv")})
        if r.outcome != "ok":
            return log_write("import", codes, False, status=r.status_code, user=self.username)
        path, status = self.batch_status(r.headers["Location"])
        if status != "done":
            return log_write("import", codes, False, status=0, user=self.username)
        r = self.call("POST", f"{path}commit/", "POST /import/[id]/commit/", expect=(302,), headers=headers,
                      data={"csrfmiddlewaretoken": match.group(1)})
        if r.outcome != "ok":
            return log_write("import", codes, False, status=r.status_code, user=self.username)
        path, status = self.batch_status(r.headers["Location"])
        for _ in range(20):  # inline below the size limit; a queued one is waited for
            if status not in ("queued", "running"):
                break
            time.sleep(0.5)
            path, status = self.batch_status(path)
        if status == "done":
            log_write("import", codes, True, int(path.strip("/").split("/")[-1]), 302, self.username)
            TRAINEES[self.account["unit"]].extend(codes)
        else:
            log_write("import", codes, False, status=0, user=self.username)
        return None


@events.quitting.add_listener
def _close(**kwargs: Any) -> None:
    WRITES.close()
    REQUESTS.close()
