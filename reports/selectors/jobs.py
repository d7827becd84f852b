"""Report jobs: only the user who asked for one may see it."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import ReportJob
from stations.scope import get_in_scope


def recent_report_jobs(*, user, limit: int = 5) -> QuerySet[ReportJob]:
    if not user.is_authenticated:
        return ReportJob.objects.none()
    return ReportJob.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def access_report_job_by_id(*, user, job_id: int) -> ReportJob:
    """The asker's own report job; anyone else's is a 404, as a missing one."""
    jobs = ReportJob.objects.filter(user_id=user.pk) if user.is_authenticated else ReportJob.objects.none()
    return get_in_scope(jobs, pk=job_id)
