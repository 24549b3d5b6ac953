"""Public verification of certificates: by serial (page, QR, API) and of a presented signed payload.

Only the minimum is disclosed: holder's name, standard, issue date, issuer, and the status. Unknown and
malformed serials get the same answer through the same code path (one indexed lookup either way), so a
response says nothing about how close a guess was. Each client is rate-limited.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from maharat.common import jalali
from maharat.kit.ratelimit import limited

from . import signing
from .models import Certificate, CertificateStatus

_NO_SUCH_SERIAL = "MH-0000-0000-0000-?"  # never issued: keeps unknown and malformed lookups identical


@dataclass
class Verdict:
    serial: str
    status: str  # valid | suspended | revoked | unknown
    holder: str = ""
    standard: str = ""
    standard_code: str = ""
    hours: int | None = None
    issued_on: str = ""
    issued_on_jalali: str = ""
    issuer: str = ""
    status_changed_on: str = ""
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Verdicts are cached (in Redis in production, shared by every process) so that verification under load
# costs one cache read. A certificate's save or delete, and a change to its holder, drop its entry at once
# (assessment/signals.py): a revocation shows on the next request. Renaming a standard or a unit shows
# within VERDICT_SECONDS. Unknown serials are cached the same way as known ones, so that a repeated guess
# is answered as fast whether or not the serial exists.
VERDICT_SECONDS = 300


def verdict_key(serial: str) -> str:
    return f"verdict:v2:{serial}"


def by_serial(text: str) -> Verdict:
    """The verdict in the language of the request: the cached entry keeps the standard's and the issuer's
    names in both languages (one entry serves every visitor), the English ones falling back to the Persian."""
    serial = signing.normalize_serial(text)
    key = verdict_key(serial or _NO_SUCH_SERIAL)
    stored = cache.get(key)
    if stored is None:
        verdict, english = _lookup(serial or _NO_SUCH_SERIAL)
        stored = {"verdict": verdict.as_dict(), "en": english}
        cache.set(key, stored, VERDICT_SECONDS)
    verdict = Verdict(**stored["verdict"])
    if get_language() == "en":
        verdict.standard = stored["en"].get("standard") or verdict.standard
        verdict.issuer = stored["en"].get("issuer") or verdict.issuer
    if verdict.status == "unknown":
        verdict.serial = serial or (text or "")[:40]  # echo what was asked, never what was stored
    return verdict


def _lookup(serial: str) -> tuple[Verdict, dict[str, str]]:
    """The verdict (in Persian) and the English names of its standard and issuer."""
    cert = (Certificate.objects.select_related("trainee", "standard", "issuing_unit").filter(serial=serial).first())
    if cert is None:
        return Verdict(serial=serial, status="unknown"), {}
    changed = cert.status_changed_at if cert.status != CertificateStatus.VALID else None
    english = {"standard": cert.standard.title_en, "issuer": cert.issuing_unit.name_en}
    return Verdict(
        serial=cert.serial, status=cert.status, holder=cert.trainee.full_name, standard=cert.standard.title,
        standard_code=cert.standard.code, hours=cert.standard.total_hours, issued_on=cert.issued_on.isoformat(),
        issued_on_jalali=jalali.format_date(cert.issued_on), issuer=cert.issuing_unit.name,
        status_changed_on=jalali.format_date(timezone.localtime(changed).date()) if changed else "",
        reason=cert.status_reason if cert.status != CertificateStatus.VALID else "",
    ), english


# A signed payload is a flat record two levels deep (services.build_payload); anything far bigger or deeper
# is not a certificate, and is answered "invalid" without canonicalising it (json.dumps of a deeply nested
# value runs out of stack: RecursionError, a server error).
MAX_PAYLOAD_DEPTH = 8
MAX_PAYLOAD_ITEMS = 500
MAX_SIGNATURE_LENGTH = 200


def plausible_payload(payload: Any) -> bool:
    """Is this small and shallow enough to be a certificate's payload? (Walked without recursion.)"""
    seen = 0
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_PAYLOAD_ITEMS or depth > MAX_PAYLOAD_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


def check_payload(payload: Any, signature: Any) -> dict[str, Any]:
    """Does the signature hold over this payload, and what is the certificate's status now?"""
    if (not isinstance(payload, dict) or not isinstance(signature, str) or len(signature) > MAX_SIGNATURE_LENGTH
            or not plausible_payload(payload)):
        return {"signature_valid": False, "status": "unknown", "current": False}
    valid = signing.verify(payload, signature)
    verdict = by_serial(str(payload.get("serial", "")))
    current = False
    if valid and verdict.status != "unknown":
        stored = Certificate.objects.filter(serial=verdict.serial).values_list("payload", flat=True).first()
        current = stored is not None and json.loads(stored) == payload  # not replaced by a later re-issue
    return {"signature_valid": valid, "status": verdict.status if valid else "unknown", "current": current,
            "certificate": verdict.as_dict() if valid else None}


def rate_limited(request: HttpRequest, scope: str = "verify") -> bool:
    return limited(request, scope)


def verify_url(serial: str) -> str:
    return f"{settings.MAHARAT_PUBLIC_URL.rstrip('/')}/verify/{serial}/"
