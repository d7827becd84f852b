"""System-wide figures for the operators of the platform (core/metrics.py gauges, core/health.py checks):
no user, no scope — they are counts and yes/no answers, never a resident's data."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from gov_services.models import (
    CalendarDay,
    Card,
    Certificate,
    CountySigningCertificate,
    ServiceRequest,
    SigningKey,
    SupervisionCard,
)
from gov_services.requests.workflow import OPEN_STATUSES


def overdue_request_count(*, now: datetime.datetime | None = None) -> int:
    """Open requests past their deadline."""
    return ServiceRequest.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now()).count()


def red_carded_request_count() -> int:
    """Open requests holding a red card."""
    red = SupervisionCard.objects.filter(level=Card.RED, request__status__in=OPEN_STATUSES)
    return red.values("request_id").distinct().count()


def certificate_render_failed_count() -> int:
    return Certificate.objects.filter(pdf_status=Certificate.PdfStatus.FAILED).count()


def calendar_year_needed(*, today: datetime.date) -> int:
    """The year whose working-day calendar must be loaded by now: next year from
    GOV_CALENDAR_NEXT_YEAR_MONTH (December: the State Council publishes it in the autumn), else this one."""
    return today.year + 1 if today.month >= getattr(settings, "GOV_CALENDAR_NEXT_YEAR_MONTH", 12) else today.year


def calendar_year_present(*, year: int) -> bool:
    """Whether the year has its public holidays (every year has some: 元旦, 春节, 国庆 …)."""
    return CalendarDay.objects.filter(date__year=year, kind=CalendarDay.Kind.HOLIDAY).exists()


def active_signing_keys() -> list[SigningKey]:
    return list(SigningKey.objects.filter(retired_at__isnull=True).order_by("pk"))


def active_pdf_signers() -> list[CountySigningCertificate]:
    return list(CountySigningCertificate.objects.filter(retired_at__isnull=True).order_by("pk"))
