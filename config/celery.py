"""The Celery app. With CELERY_BROKER_URL unset, settings make every task run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("cunzhan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
