"""Report jobs: only the user who asked for one may see it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from reports.models import ReportJob


def recent_report_jobs(*, user, limit: int = 5) -> QuerySet[ReportJob]:
    if not user.is_authenticated:
        return ReportJob.objects.none()
    return ReportJob.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def access_report_job_by_id(*, user, job_id: int) -> ReportJob:
    job = ReportJob.objects.filter(pk=job_id).first() if user.is_authenticated else None
    if job is None or job.user_id != user.pk:
        raise PermissionDenied(_("You may not see this report."))
    return job
