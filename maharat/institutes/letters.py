"""The licence and the decision letters as PDF (WeasyPrint; Persian shaped by Pango, Vazirmatn from the
static files), each with the QR code of its public verification page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from maharat.common import jalali

from .models import Decision, Licence


def verify_url(number: str) -> str:
    return settings.MAHARAT_PUBLIC_URL.rstrip("/") + reverse("licence_verify_number", args=[number])


def _qr(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, dark="#0b3d45"))


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("fa"):  # a letter is Persian whoever prints it
        html = render_to_string(template, context)
    return bytes(HTML(string=html, base_url=str(Path(settings.PACKAGE_DIR) / "static") + "/").write_pdf())


def licence_pdf(licence: Licence) -> bytes:
    url = verify_url(licence.number)
    return _render("institutes/licence_pdf.html", {
        "licence": licence, "unit": licence.institute.unit, "url": url, "qr": _qr(url),
        "issued": jalali.format_date(licence.issued_on, long=True),
        "expires": jalali.format_date(licence.expires_on, long=True)})


def decision_pdf(decision: Decision) -> bytes:
    url = verify_url(decision.licence.number) if decision.licence else ""
    return _render("institutes/decision_pdf.html", {
        "d": decision, "unit": decision.unit, "url": url, "qr": _qr(url) if url else "",
        "decided": jalali.format_date(decision.decided_on, long=True),
        "appeal_until": jalali.format_date(decision.appeal_until, long=True)})
