"""The Celery app. With CELERY_BROKER_URL unset, settings make every task run eagerly."""

import os

from celery import Celery, signals
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("cunzhan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Worker log lines carry the request id of the web request that queued the task (django-structlog:
# DJANGO_STRUCTLOG_CELERY_ENABLED puts it in the message headers, this step binds it in the worker).
app.steps["worker"].add(DjangoStructLogInitStep)


# Report jobs read from the replica when there is one (config/db_router.py); what they write (the job's
# progress and its file) goes to the primary like every write.
_replica_blocks: dict[str, object] = {}


@signals.task_prerun.connect
def _replica_reads_for_report_tasks(sender=None, task_id=None, task=None, **kwargs):
    from django.conf import settings

    from core.replica import replica_reads

    if task is not None and task.name in getattr(settings, "REPLICA_READ_TASKS", ()):
        block = replica_reads()
        block.__enter__()
        _replica_blocks[task_id] = block


@signals.task_postrun.connect
def _end_replica_reads(sender=None, task_id=None, **kwargs):
    block = _replica_blocks.pop(task_id, None)
    if block is not None:
        block.__exit__(None, None, None)
