"""Certificate PDFs: one page per certificate, Persian shaped by Pango through WeasyPrint."""

from __future__ import annotations

from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string

from maharat.common import jalali

from .models import Certificate
from .services import masked_national_code
from .verification import verify_url


def _page(cert: Certificate) -> dict[str, object]:
    url = verify_url(cert.serial)
    return {
        "cert": cert,
        "masked": masked_national_code(cert.trainee.national_code),
        "issued": jalali.format_date(cert.issued_on, long=True),
        "qr": segno.make(url, error="m").svg_data_uri(scale=4, dark="#0b3d45"),
        "url": url,
    }


def render(certificates: list[Certificate]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("assessment/certificate_pdf.html", {"pages": [_page(c) for c in certificates]})
    return HTML(string=html, base_url=str(Path(settings.PACKAGE_DIR) / "static") + "/").write_pdf()
