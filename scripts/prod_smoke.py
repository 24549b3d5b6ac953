"""Drive a running production server through its main pages and the API (started by scripts/prod-smoke.sh).

The client plays the reverse proxy of docs/deployment.md as well as the browser: every request goes to the
application server over plain HTTP on loopback with the public host name in `Host`, `X-Forwarded-Proto: https`
(TLS ended at the proxy) and `X-Forwarded-For`; cookies, marked Secure, are kept and sent back as a browser does
over HTTPS. Fails (exit status 1) on any response that is not 2xx/3xx, on a page that is not what it should be,
and on a static file that is missing, not under its hashed name or not cached as immutable.

    python scripts/prod_smoke.py --base http://127.0.0.1:8000 --host maharat.example.ir \
        --username hq_planner --password maharat-demo-1404 --serial "$serial"   # a valid serial the demo printed
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from typing import Any

HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")  # ManifestStaticFilesStorage: name.<12 hex>.ext
STATIC_REF = re.compile(r"""=["'](/static/[^"'?#\s]+)""")  # href, src, data-* attributes
CSS_URL = re.compile(r"""url\(\s*["']?([^"')?#]+)""")
INLINE_LIMIT_BYTES = 400_000  # exchange/services.py: larger uploads are queued for `maharat worker`
KIND = "course_runs"  # the quickest export of the demo above that size (a slice of it is uploaded again)


class SmokeFailure(Exception):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # every hop is checked (and sent with the proxy's headers) by Client.get


class Response:
    def __init__(self, status: int, headers: Any, body: bytes, seconds: float) -> None:
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    def __init__(self, base: str, host: str) -> None:
        self.base, self.host = base.rstrip("/"), host
        self.origin = f"https://{host}"
        self.cookies: dict[str, str] = {}
        self.cookie_flags: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.requests = 0

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
                proxy: bool = True) -> Response:
        all_headers = {"Host": self.host, "User-Agent": "maharat-prod-smoke", "Accept-Language": "fa"}
        if proxy:  # what the reverse proxy adds to every request it forwards
            all_headers |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            all_headers["Origin"] = self.origin  # a browser's POST names its origin (Django's CSRF check)
        all_headers |= headers or {}
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=all_headers)
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as r:
                status, response_headers, data = r.status, r.headers, r.read()
        except urllib.error.HTTPError as exc:
            status, response_headers, data = exc.code, exc.headers, exc.read()
        self.requests += 1
        for header in response_headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
                self.cookie_flags[name] = header
        return Response(status, response_headers, data, time.perf_counter() - started)

    def check(self, method: str, path: str, **kwargs: Any) -> Response:
        r = self.request(method, path, **kwargs)
        print(f"  {r.status}  {method:4} {path}  ({r.seconds * 1000:.0f} ms, {len(r.body):,} bytes)")
        if not 200 <= r.status < 400:
            raise SmokeFailure(f"{method} {path} answered {r.status}:\n{r.text[:2000]}")
        return r

    def get(self, path: str, **kwargs: Any) -> Response:
        """GET, following redirects within the site (each hop checked); the final answer must be 200."""
        for _ in range(5):
            r = self.check("GET", path, **kwargs)
            if r.status not in (301, 302, 303, 307, 308):
                break
            location = urllib.parse.urlsplit(urllib.parse.urljoin(f"{self.origin}{path}", r.headers["Location"]))
            if f"{location.scheme}://{location.netloc}" != self.origin:
                raise SmokeFailure(f"GET {path} redirected off the site, to {r.headers['Location']}")
            path = location.path + (f"?{location.query}" if location.query else "")
        if r.status != 200:
            raise SmokeFailure(f"GET {path}: {r.status} after five redirects")
        return r


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise SmokeFailure("no CSRF token in the form")
    return match.group(1)


def expect(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def multipart(fields: dict[str, str], file_field: str, file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def find_key(value: Any, key: str) -> Any:
    """The first value under `key` anywhere in a JSON document (the token endpoint's shape may change)."""
    if isinstance(value, dict):
        if isinstance(value.get(key), str):
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = find_key(item, key)
            if found:
                return found
    return None


def wait_until_up(client: Client, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.request("GET", "/accounts/login/")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SmokeFailure(f"the server at {client.base} did not answer within {seconds:.0f} s") from None
            time.sleep(0.2)


def check_static(client: Client, paths: set[str]) -> None:
    """Every referenced static file under its hashed name, served by whitenoise as immutable; the fonts the CSS
    names too. Nothing that the pages or their style sheets refer to may be missing."""
    seen: dict[str, int] = {}
    queue = sorted(paths)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        expect(HASHED.search(path), f"{path} is not under a hashed name (was collectstatic run with production "
                                    "settings before the server started?)")
        r = client.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
        expect(r.status == 200 and r.body, f"static file {path} answered {r.status}")
        expect("immutable" in r.headers.get("Cache-Control", ""),
               f"{path} is not cached as immutable: {r.headers.get('Cache-Control')}")
        seen[path] = len(r.body)
        if path.endswith(".css"):
            plain = client.request("GET", path)  # uncompressed, to read the file names it refers to
            for ref in CSS_URL.findall(plain.text):
                if not ref.startswith("data:"):
                    queue.append(urllib.parse.urljoin(path, ref))
    kinds = {p.rsplit(".", 1)[-1] for p in seen}
    for kind in ("css", "js", "woff2"):
        expect(kind in kinds, f"no .{kind} static file was referenced: {sorted(seen)}")
    print(f"  200  GET  {len(seen)} static files under hashed names, immutable "
          f"({', '.join(f'{sum(1 for p in seen if p.endswith(k))} .{k}' for k in sorted(kinds))})")


def check_worker(client: Client, timeout: float) -> None:
    """An upload above the inline limit is queued; `maharat worker` must take it and finish its dry run."""
    export = client.get(f"/import/export/{KIND}/?format=csv").body
    lines = export.splitlines(keepends=True)
    data, n = lines[0], 1
    while len(data) <= INLINE_LIMIT_BYTES + 1000 and n < len(lines):
        data += lines[n]
        n += 1
    expect(len(data) > INLINE_LIMIT_BYTES, f"the {KIND} export ({len(export):,} bytes) is too small to be queued")
    token = csrf_token(client.get("/import/").text)
    body, content_type = multipart({"csrfmiddlewaretoken": token, "kind": KIND, "dry_run": "on"},
                                   "file", f"{KIND}.csv", data)
    r = client.check("POST", "/import/", body=body, headers={"Content-Type": content_type,
                                                              "Referer": f"{client.origin}/import/"})
    expect(r.status == 302, f"the upload was not accepted (status {r.status}):\n{r.text[:2000]}")
    detail = urllib.parse.urlsplit(r.headers["Location"]).path
    deadline, status = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        page = client.request("GET", detail, headers={"HX-Request": "true"})
        expect(page.status == 200, f"GET {detail} answered {page.status}")
        status = re.search(r'data-status="([a-z]+)"', page.text).group(1)  # type: ignore[union-attr]
        if status not in ("queued", "running"):
            break
        time.sleep(0.5)
    expect(status == "done", f"the queued import of {n - 1:,} {KIND} ended {status!r} (is `maharat worker` running?)")
    print(f"  200  GET  {detail}  the worker finished the queued dry run of {n - 1:,} {KIND} ({len(data):,} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the application server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--host", required=True, help="the public host name (in ALLOWED_HOSTS)")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--serial", required=True, help="a valid certificate serial (printed by `maharat demo`)")
    parser.add_argument("--wait", type=float, default=60, help="seconds to wait for the server to answer")
    args = parser.parse_args()
    client = Client(args.base, args.host)
    started = time.monotonic()
    try:
        wait_until_up(client, args.wait)
        static: set[str] = set()

        print("without the proxy's header: redirected to https")
        r = client.check("GET", "/accounts/login/", proxy=False)
        expect(r.status == 301 and r.headers["Location"] == f"https://{args.host}/accounts/login/",
               f"plain http was not redirected to https (SECURE_SSL_REDIRECT): {r.status} {r.headers['Location']}")

        print("sign in")
        r = client.get("/accounts/login/")
        expect("Secure" in client.cookie_flags.get("csrftoken", ""), "the CSRF cookie is not marked Secure")
        expect("max-age=" in r.headers.get("Strict-Transport-Security", ""), "no HSTS header on an https page")
        static |= set(STATIC_REF.findall(r.text))
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf_token(r.text), "username": args.username,
                                       "password": args.password, "next": ""}).encode()
        r = client.check("POST", "/accounts/login/", body=form,
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "Referer": f"{client.origin}/accounts/login/"})
        expect(r.status == 302, f"sign-in as {args.username} did not redirect (status {r.status}): wrong password, "
                                "or the CSRF check refused the proxied https origin")
        flags = client.cookie_flags.get("sessionid", "")
        expect("Secure" in flags and "HttpOnly" in flags, f"the session cookie is not Secure and HttpOnly: {flags}")

        print("pages")
        home = client.get(urllib.parse.urlsplit(r.headers["Location"]).path or "/")
        expect("/accounts/logout/" in home.text, "the home page does not show a signed-in user")
        static |= set(STATIC_REF.findall(home.text))
        national = client.get("/monitoring/")
        static |= set(STATIC_REF.findall(national.text))
        codes = sorted(set(re.findall(r'href="/monitoring/(IR-[0-9]+)/[?"]', national.text)))
        expect(codes, "the national scorecard links no provincial scorecard")
        code = "IR-26" if "IR-26" in codes else codes[0]  # Qazvin: the demo's fullest province
        for page in (f"/monitoring/{code}/", f"/monitoring/{code}/unit/", "/monitoring/map/"):
            static |= set(STATIC_REF.findall(client.get(page).text))
        for register in ("/trainees/", "/course-runs/", "/enrollments/"):
            page = client.get(register)
            expect("<table" in page.text, f"{register} shows no table")
        verify = client.get(f"/verify/{args.serial}/")
        expect(args.serial in verify.text, f"the verification page does not show {args.serial}")
        client.get("/verify/")
        static |= set(STATIC_REF.findall(verify.text))

        print("static files (whitenoise, collected with hashed names)")
        check_static(client, static)

        print("background worker")
        check_worker(client, timeout=90)

        print("API")
        api = Client(args.base, args.host)  # no session: a token only
        r = api.check("POST", "/api/v1/auth/token/", headers={"Content-Type": "application/json"},
                      body=json.dumps({"username": args.username, "password": args.password}).encode())
        token = find_key(json.loads(r.body), "token")
        expect(token, f"no token in the answer of /api/v1/auth/token/: {r.text[:500]}")
        r = api.check("GET", "/api/v1/units/", headers={"Authorization": f"Token {token}",
                                                        "Accept": "application/json"})
        units = json.loads(r.body)
        expect(r.status == 200 and units.get("count", 0) > 0 and units.get("results"),
               f"/api/v1/units/ listed no units: {r.text[:500]}")
        verdict = api.check("GET", f"/api/v1/verify/{args.serial}/")
        expect(verdict.status == 200, f"/api/v1/verify/{args.serial}/ answered {verdict.status}")
    except SmokeFailure as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"prod smoke: {client.requests + api.requests} requests, all answered, in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
