from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Nightly housekeeping: a busy counter PC leaves thousands of sessions behind."""
    call_command("clearsessions")
