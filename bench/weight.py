"""Page weight (issue 16, "Light pages"): what a browser transfers for each main page in the production
configuration, with an empty cache and again on a repeat visit.

Started as docs/deployment.md and scripts/prod-smoke.sh start it: production settings, `maharat collectstatic`
into a fresh MAHARAT_VAR_DIR (hashed names, gzip and Brotli copies), granian with 2 workers x 1 thread, on the
benchmark's database (bench/run.py builds it). Headless Chromium (Debian's /usr/bin/chromium, launched as the
`browser` fixture of maharat/conftest.py) plays the browser behind the TLS-ending proxy: it asks for
http://maharat.localhost:<port>/ (a loopback name, a secure context, so the Secure cookies are kept) and every
request carries the proxy's `X-Forwarded-Proto: https`. Over plain HTTP Chromium does not offer Brotli (it
does over HTTPS, as browsers reach the proxy), so the requests say `Accept-Encoding: gzip, deflate, br` as they
would through the proxy.

For each page, a fresh browser context (an empty cache) holding the signed-in session of a demo role
(hq_planner; the public verification page without one), in Persian (the RTL Bootstrap sheet) or, for the home
page once more, in English (the LTR one): load the page and wait until the network is idle (fonts, charts'
data), then open it again (a repeat visit). Counted from Chromium's DevTools protocol: every
request that went to the server and its `encodedDataLength` (the bytes on the wire: headers and the body as
sent, compressed or not); requests answered from the browser's cache are counted apart.

    .venv/bin/python bench/run.py weight                   # through the benchmark (its database, its table)
    BENCH_QUICK=1 .venv/bin/python bench/run.py weight     # one round instead of three

The collected files are kept in var/weight-static/ while the static sources and the settings stay the same
(collectstatic's Brotli compression costs about 30 s of CPU); the server runs with a throw-away key file when
the demo's development key is missing (verification pages weigh the same).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PUBLIC_HOST = "maharat.localhost"  # resolved to loopback by Chromium itself; ALLOWED_HOSTS
ROLE = "hq_planner"
PASSWORD = "maharat-demo-1404"
HOME_TARGET_BYTES = 250 * 1024
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Accept-Encoding": "gzip, deflate, br"}


@dataclass
class Transfer:
    """One load of one page: the requests that reached the server and the bytes they took."""

    requests: int = 0
    bytes: int = 0
    from_cache: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # html, css, js, font, image, data: bytes
    encodings: dict[str, str] = field(default_factory=dict)  # url -> content-encoding ("" for none)
    cache_control: dict[str, str] = field(default_factory=dict)  # url -> Cache-Control
    files: dict[str, int] = field(default_factory=dict)  # url -> bytes on the wire
    failed: list[str] = field(default_factory=list)


@dataclass
class PageWeight:
    name: str
    path: str
    first: Transfer
    repeat: Transfer
    rounds: list[tuple[int, int]] = field(default_factory=list)  # (first bytes, repeat bytes) per round


def kind_of(url: str, resource_type: str) -> str:
    path = url.split("?", 1)[0]
    if resource_type == "Document":
        return "html"
    for ext, kind in ((".css", "css"), (".js", "js"), (".woff2", "font"), (".svg", "image"), (".png", "image"),
                      (".json", "data")):
        if path.endswith(ext):
            return kind
    return {"Stylesheet": "css", "Script": "js", "Font": "font", "Image": "image"}.get(resource_type, "data")


class Recorder:
    """DevTools protocol Network events of one page, summed per load."""

    def __init__(self, cdp: Any) -> None:
        self.reset()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def reset(self) -> None:
        self.requests: dict[str, dict[str, Any]] = {}

    def _sent(self, e: dict[str, Any]) -> None:
        if e["request"]["url"].startswith("data:"):
            return
        r = self.requests.setdefault(e["requestId"], {"bytes": 0, "redirects": 0})
        if e.get("redirectResponse"):  # a redirect hop: its own request on the wire, the same id
            r["redirects"] += 1
            r["bytes"] += int(e["redirectResponse"].get("encodedDataLength") or 0)
        r.update(url=e["request"]["url"], type=e.get("type", ""))

    def _response(self, e: dict[str, Any]) -> None:
        r = self.requests.get(e["requestId"])
        if r is None:
            return
        response = e["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        r.update(status=response.get("status"), encoding=headers.get("content-encoding", ""),
                 cache_control=headers.get("cache-control", ""), type=e.get("type", r.get("type", "")))
        if response.get("fromDiskCache") or response.get("fromPrefetchCache") or response.get("fromServiceWorker"):
            r["cached"] = True

    def _cached(self, e: dict[str, Any]) -> None:
        if e["requestId"] in self.requests:
            self.requests[e["requestId"]]["cached"] = True

    def _finished(self, e: dict[str, Any]) -> None:
        if e["requestId"] in self.requests:
            self.requests[e["requestId"]]["bytes"] += int(e.get("encodedDataLength") or 0)
            self.requests[e["requestId"]]["done"] = True

    def _failed(self, e: dict[str, Any]) -> None:
        r = self.requests.get(e["requestId"])
        if r is not None and not e.get("canceled"):
            r["failed"] = e.get("errorText", "failed")

    def transfer(self) -> Transfer:
        t = Transfer()
        for r in self.requests.values():
            if r.get("failed"):
                t.failed.append(f"{r.get('url')}: {r['failed']}")
            if r.get("cached") and not r["bytes"]:
                t.from_cache += 1
                continue
            if not r.get("done") and not r.get("failed"):
                continue
            t.requests += 1 + r["redirects"]
            t.bytes += r["bytes"]
            kind = kind_of(r.get("url", ""), r.get("type", ""))
            t.by_kind[kind] = t.by_kind.get(kind, 0) + r["bytes"]
            t.encodings[r.get("url", "")] = r.get("encoding", "")
            t.cache_control[r.get("url", "")] = r.get("cache_control", "")
            t.files[r.get("url", "")] = t.files.get(r.get("url", ""), 0) + r["bytes"]
        return t


# ------------------------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def static_fingerprint() -> str:
    """What collectstatic would read: every file the finders list (name, size, modification time), and the
    settings that decide how it is stored."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for settings_file in ("base.py", "production.py"):
        digest.update((ROOT / "maharat" / "config" / "settings" / settings_file).read_bytes())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest.update("\n".join(sorted(entries)).encode())
    return digest.hexdigest()[:16]


class ProductionServer:
    """collectstatic into a fresh MAHARAT_VAR_DIR, then granian under production settings (docs/deployment.md,
    "Starting it, step by step": steps 2, 4 and 8; the database is the benchmark's, migrated and loaded)."""

    def __init__(self, database_url: str, signing_key: Path | None, log: Callable[[str], None]) -> None:
        self.log = log
        self.work = Path(tempfile.mkdtemp(prefix="maharat-weight-", dir=ROOT / "var"))
        # The collected files are kept between runs while the sources are the same (collectstatic compresses
        # everything with Brotli: about 30 s of CPU), in var/weight-static/<fingerprint>/static.
        self.var = ROOT / "var" / "weight-static" / static_fingerprint()
        self.port = _free_port()
        self.base = f"http://{PUBLIC_HOST}:{self.port}"
        if signing_key is None or not signing_key.exists():
            signing_key = self.work / "signing-key.pem"  # the pages weigh the same with any key
            subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(signing_key)], check=True)
            signing_key.chmod(0o600)
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            "DJANGO_SETTINGS_MODULE": "maharat.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": PUBLIC_HOST,
            # The browser speaks plain HTTP to the server here (the proxy's hop), so a form's Origin is http://…
            "CSRF_TRUSTED_ORIGINS": self.base,
            "DATABASE_URL": database_url,
            "CACHE_URL": os.environ.get("BENCH_WEIGHT_CACHE_URL", "locmemcache://weight"),
            "MAHARAT_SIGNING_KEY_FILE": str(signing_key),
            "MAHARAT_PUBLIC_URL": f"https://{PUBLIC_HOST}",
            "MAHARAT_TRUST_X_FORWARDED_FOR": "true",
            "MAHARAT_VAR_DIR": str(self.var),
        }
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> ProductionServer:
        done = self.var / "collected"
        if done.exists():
            self.log(f"weight: the static files collected from the same sources, {self.var}")
        else:
            for old in self.var.parent.glob("*"):
                shutil.rmtree(old, ignore_errors=True)
            started = time.monotonic()
            collect = subprocess.run([str(BIN / "maharat"), "collectstatic", "--noinput"], cwd=ROOT, env=self.env,
                                     capture_output=True, text=True)
            if collect.returncode != 0:
                raise SystemExit(f"collectstatic failed:\n{(collect.stdout + collect.stderr)[-3000:]}")
            done.write_text(collect.stdout)
            self.log(f"weight: collectstatic {time.monotonic() - started:.0f} s "
                     f"({collect.stdout.strip().splitlines()[-1]})")
        self.granian_log = self.work / "granian.log"
        with self.granian_log.open("w") as out:
            self.proc = subprocess.Popen(
                [str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--blocking-threads", "1",
                 "--host", "127.0.0.1", "--port", str(self.port), "maharat.config.wsgi:application"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        import urllib.request

        for _ in range(200):
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{self.port}/accounts/login/",
                                             headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise SystemExit(f"granian did not start:\n{self.granian_log.read_text()[-3000:]}")

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None:
            _stop(self.proc)
            text = self.granian_log.read_text(errors="replace")
            self.tracebacks = text.count("Traceback (most recent call last)")
        shutil.rmtree(self.work, ignore_errors=True)


# ------------------------------------------------------------------------------------------- the browser
def _load(page: Any, recorder: Recorder, url: str) -> Transfer:
    recorder.reset()
    response = page.goto(url, wait_until="load")
    if response is None or response.status >= 400:
        raise SystemExit(f"weight: {url} answered {response.status if response else 'nothing'}")
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # noqa: BLE001  (a page that keeps a request open is measured as it stands)
        pass
    page.wait_for_timeout(200)  # the last loadingFinished events
    return recorder.transfer()


def static_name(url: str) -> str:
    """/static/vendor/css/bootstrap.rtl.purged.1a2b3c4d5e6f.css -> vendor/css/bootstrap.rtl.purged.css"""
    import re

    path = url.split("?", 1)[0].split("://", 1)[-1].split("/", 1)[-1]
    return re.sub(r"\.[0-9a-f]{12}(\.[A-Za-z0-9]+)$", r"\1", path.removeprefix("static/"))


def files_line(t: Transfer) -> str:
    """The static files of one load, largest first: `vendor/css/bootstrap.rtl.purged.css 9.0 KB (br)`."""
    rows = sorted(((static_name(u), b, t.encodings.get(u, "")) for u, b in t.files.items() if "/static/" in u),
                  key=lambda row: -row[1])
    return ", ".join(f"{name} {kb(b)}" + (f" ({enc})" if enc else "") for name, b, enc in rows)


def measure(base: str, pages: list[tuple[str, str, bool]] | list[tuple[str, str, bool, str]], rounds: int,
            log: Callable[[str], None] = print) -> list[PageWeight]:
    """pages: (name, path, signed in[, language: "fa" unless said]). For each round and page: a fresh context,
    the page twice."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread; no ORM here
    from playwright.sync_api import sync_playwright

    found: dict[str, PageWeight] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  f"--host-resolver-rules=MAP {PUBLIC_HOST} 127.0.0.1"])
        options: dict[str, Any] = {"extra_http_headers": PROXY_HEADERS, "locale": "fa-IR",
                                   "viewport": {"width": 1280, "height": 900}}
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", ROLE)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("form button.btn-primary")
        if "/accounts/login/" in page.url:
            raise SystemExit(f"weight: {ROLE} could not sign in")
        signed_in = context.storage_state()
        context.close()
        for n in range(rounds):
            for name, path, with_session, *language in pages:
                context = browser.new_context(storage_state=signed_in if with_session else None, **options)
                # Django's language cookie (django_language), as the language switch of the navigation bar sets it.
                context.add_cookies([{"name": "django_language", "value": (language or ["fa"])[0], "url": base}])
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                recorder = Recorder(cdp)
                cdp.send("Network.enable")
                first = _load(page, recorder, base + path)
                repeat = _load(page, recorder, base + path)
                context.close()
                weight = found.setdefault(name, PageWeight(name, path, first, repeat))
                weight.rounds.append((first.bytes, repeat.bytes))
                if n == 0:
                    log(f"weight: {name} {path}: first {first.bytes / 1024:,.1f} KB in {first.requests} requests, "
                        f"repeat {repeat.bytes / 1024:,.1f} KB in {repeat.requests} ({repeat.from_cache} from cache)")
                    log(f"weight:   static files of the first load: {files_line(first)}")
        browser.close()
    return list(found.values())


def main_pages() -> list[tuple[str, str, bool, str]]:
    """The pages of issue 16, in the benchmark's database (read through the ORM of bench/run.py)."""
    from maharat.assessment.models import Certificate
    from maharat.org.models import Unit

    province = Unit.objects.filter(code="IR-26").first() or Unit.objects.filter(kind="province").order_by("code").first()
    if province is None:
        raise SystemExit("weight: the benchmark database holds no province")
    serial = Certificate.objects.filter(status="valid").order_by("serial").values_list("serial", flat=True).first()
    pages = [
        ("home", "/", True, "fa"),
        ("home in English (LTR sheet)", "/", True, "en"),
        ("national scorecard", "/monitoring/", True, "fa"),
        (f"province scorecard ({province.code})", f"/monitoring/{province.code}/", True, "fa"),
        (f"unit page with trend ({province.code})", f"/monitoring/{province.code}/unit/", True, "fa"),
        ("trainees register", "/trainees/", True, "fa"),
        ("course runs register", "/course-runs/", True, "fa"),
        ("early warning", "/monitoring/alerts/", True, "fa"),
    ]
    if serial:
        pages.append(("public verification (signed out)", f"/verify/{serial}/", False, "fa"))
    return pages


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def static_check(weights: list[PageWeight]) -> tuple[list[str], str]:
    """Every static file of a first load under a hashed name, immutable, and compressed unless it is a font or
    an image that compresses itself (woff2, png), and Bootstrap's style sheet the purged one (scripts/purge-css.cjs),
    not the whole 227 KB; and how the pages themselves were sent."""
    import re
    from collections import Counter

    hashed = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
    problems: list[str] = []
    static: dict[str, str] = {}
    pages: Counter[str] = Counter()
    for w in weights:
        for url, encoding in w.first.encodings.items():
            path = url.split("?", 1)[0].split("://", 1)[-1].split("/", 1)[-1]
            if not path.startswith("static/"):
                pages[encoding or "none"] += 1
                continue
            static[path] = encoding or "none"
            if not hashed.search(path):
                problems.append(f"/{path}: not a hashed name")
            if "immutable" not in w.first.cache_control.get(url, ""):
                problems.append(f"/{path}: not immutable ({w.first.cache_control.get(url)})")
            if not encoding and not path.endswith((".woff2", ".png")):
                problems.append(f"/{path}: sent uncompressed")
            if "/bootstrap" in path and path.endswith(".css") and ".purged." not in path:
                problems.append(f"/{path}: Bootstrap's whole style sheet, not the purged one")
    counts = Counter(static.values())
    summary = (f"{len(static)} static files: " + ", ".join(f"{k} {v}" for k, v in counts.most_common())
               + "; pages: " + ", ".join(f"{k} {v}" for k, v in pages.most_common()))
    return sorted(set(problems)), summary
