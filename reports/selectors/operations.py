"""System-wide report-job figures for the platform's operators (core/metrics.py)."""

from reports.models import ReportJob


def queued_report_job_count() -> int:
    return ReportJob.objects.filter(status=ReportJob.Status.QUEUED).count()


def operations_register() -> None:
    from core.metrics import gauge_register

    gauge_register("cunzhan_report_jobs_queued", "Report jobs waiting for a worker", queued_report_job_count)
