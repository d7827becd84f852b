"""One receipt for a visit: every errand with its amount, one total, the cash received and the change;
each application with its tracking code and a QR code of its tracking link. 58 mm and 80 mm thermal
rolls and A4; the same HTML for the browser's print dialog and for the PDF (core.pdf). Each printed
copy is recorded (agency.services.visit_receipt_print_record): copy 2 and later say 重打 · REPRINT."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agency import selectors as till
from agency import services as till_services
from agency.models import Visit, VisitErrand
from gov_services.identifiers import format_tracking_code


@dataclass(frozen=True)
class Paper:
    key: str
    width_mm: int
    page_height_mm: int
    font_pt: float
    is_roll: bool


PAPERS = {
    "58": Paper("58", 58, 260, 7.5, True),
    "80": Paper("80", 80, 230, 9.0, True),
    "a4": Paper("a4", 210, 297, 11.0, False),
}
DEFAULT_PAPER = "80"


def paper_of(value: str | None) -> Paper:
    return PAPERS.get((value or "").lower(), PAPERS[DEFAULT_PAPER])


def tracking_link(tracking_code: str) -> str:
    """The public tracking page with the code filled in (what the QR code holds)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('gov_services:track')}?{urlencode({'code': tracking_code})}"


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=3, border=2)


@dataclass
class Line:
    errand: VisitErrand
    tracking_display: str = ""
    qr: str = ""
    link: str = ""


def receipt_lines(visit: Visit) -> list[Line]:
    lines = []
    for errand in till.visit_errands(visit=visit):
        line = Line(errand)
        if errand.kind in (VisitErrand.Kind.APPLICATION, VisitErrand.Kind.SUPPLEMENT):
            line.tracking_display = format_tracking_code(errand.reference)
            line.link = tracking_link(errand.reference)
            line.qr = qr_data_uri(line.link)
        lines.append(line)
    return lines


def receipt_context(*, visit: Visit, copy: int, paper: str, for_pdf: bool = False) -> dict:
    lines = receipt_lines(visit)
    return {
        "visit": visit, "station": visit.station, "lines": lines, "copy": copy, "reprint": copy > 1,
        "paper": paper_of(paper), "for_pdf": for_pdf, "printed_at": timezone.localtime(),
        "first_printed_at": till_services.visit_first_printed_at(visit) if copy > 1 else None,
        "total_fen": sum(line.errand.amount_fen for line in lines),
        "card_fen": sum(line.errand.amount_fen for line in lines if line.errand.payment_method == "card"),
        "wallet_paid": wallet_paid(lines),
    }


def wallet_paid(lines: list[Line]) -> list[tuple[str, int]]:
    """(label, fen) for each wallet the visit's errands were paid with (none of it is cash in the drawer)."""
    methods = VisitErrand._meta.get_field("payment_method")
    totals: dict[str, int] = {}
    for line in lines:
        if till_services.is_wallet(line.errand.payment_method):
            totals[line.errand.payment_method] = totals.get(line.errand.payment_method, 0) + line.errand.amount_fen
    return [(str(dict(methods.choices)[method]), fen) for method, fen in totals.items()]


def receipt_html(*, visit: Visit, copy: int, paper: str, request=None, for_pdf: bool = False) -> str:
    return render_to_string("visits/visit_receipt.html",
                            receipt_context(visit=visit, copy=copy, paper=paper, for_pdf=for_pdf), request=request)


def receipt_pdf(*, visit: Visit, copy: int, paper: str) -> bytes:
    from core.pdf import render_pdf

    return render_pdf(html=receipt_html(visit=visit, copy=copy, paper=paper, for_pdf=True))
