"""An invoice as a PDF: Persian shaped by Pango through WeasyPrint, with the fonts the certificates use.
National codes are masked to their last four digits: the file leaves the platform (it is sent to the
institute and to the treasury), and the learner is named by name and course."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from maharat.common import jalali

from .models import Invoice, InvoiceLine
from .rules import masked


def render(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    from weasyprint import HTML

    with translation.override("fa"):  # a document of the organisation: Persian whatever the page's language
        html = render_to_string("purchasing/invoice_pdf.html", {
            "invoice": invoice, "contract": invoice.contract,
            "rows": [(line, masked(line.national_code)) for line in lines],
            "issued": jalali.format_date(invoice.issued_on, long=True),
            "paid": jalali.format_date(invoice.paid_on, long=True) if invoice.paid_on else "",
        })
    return HTML(string=html, base_url=str(Path(settings.PACKAGE_DIR) / "static") + "/").write_pdf()
