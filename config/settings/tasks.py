"""Celery: the broker (none: tasks run inline), how workers take and acknowledge tasks, and the beat
schedule. Imported by config/settings/base.py, whose every importer sees these names; CELERY_TIMEZONE
follows TIME_ZONE there.
"""

from celery.schedules import crontab

from config.env import env, read

# Celery: with no broker, tasks run inline at commit so the demo needs no server.
CELERY_BROKER_URL = read("CELERY_BROKER_URL", env.str, "", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = read("CELERY_RESULT_BACKEND", env.str, None, "redis://127.0.0.1:6379/2")
CELERY_TASK_ACKS_LATE = True
# A task whose pool process dies (killed, out of memory) goes back to the queue instead of being
# acknowledged as failed (Celery's default, which loses it): every acks_late task is safe to run again.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task taken by a worker that then vanished whole (SIGKILL, the machine down) is handed out again by Redis
# after this many seconds; it must outlast the longest task and the longest retry countdown (docs/faults.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": read("CELERY_VISIBILITY_TIMEOUT", env.int, 3600,
                                                              "CELERY_VISIBILITY_TIMEOUT=3600")}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

CELERY_BEAT_SCHEDULE = {
    # Personal data past its retention period, deleted or anonymised (core/retention.py), with a report.
    "personal-data-retention": {
        "task": "core.tasks.personal_data_retention",
        "schedule": crontab(minute=40, hour=2),
    },
    # The nightly backup (refused, and logged, while BACKUP_PASSPHRASE is unset).
    "backup-nightly": {
        "task": "core.tasks.backup_nightly",
        "schedule": crontab(minute=30, hour=1),
    },
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    # Cards and escalations: every 15 minutes is soon enough for working-day limits; idempotent.
    "supervision-sweep": {
        "task": "gov_services.tasks.supervision.supervision_sweep",
        "schedule": 15 * 60,
    },
    # Application drafts at the counter (scans kept across errors) past their expiry, with their files.
    "application-drafts-cleanup": {
        "task": "gov_services.tasks.drafts.application_drafts_cleanup",
        "schedule": 60 * 60,
    },
    # PostgreSQL: the coming months' partitions of the audit trail, outbox and request events (never drops).
    "db-partitions-ahead": {
        "task": "core.tasks.db_partitions_ahead",
        "schedule": crontab(minute=10, hour=3),
    },
    # The audit trail's hash chain (core/audit_chain.py): new events linked a minute after they land.
    "audit-chain-seal": {
        "task": "core.tasks.audit_chain_seal",
        "schedule": 60,
    },
    "sms-outbox-redispatch-stale": {
        "task": "core.tasks.sms_outbox_redispatch_stale",
        "schedule": 5 * 60,
    },
    # Report jobs queued while the broker was down (their hand-off refused, core/handoff.py).
    "report-jobs-redispatch-stale": {
        "task": "reports.tasks.report_jobs_redispatch_stale",
        "schedule": 5 * 60,
    },
    # Channels: webhook deliveries and Open311 tokens whose hand-off to Celery was lost (broker down).
    "webhook-deliveries-redispatch-stale": {
        "task": "gov_services.channels.tasks.webhook_deliveries_redispatch_stale",
        "schedule": 5 * 60,
    },
    "open311-tokens-redispatch": {
        "task": "gov_services.open311.tasks.open311_tokens_redispatch",
        "schedule": 5 * 60,
    },
    # Certificate PDFs issued while the broker was down (their hand-off refused, core/handoff.py).
    "certificate-pdfs-redispatch-stale": {
        "task": "gov_services.tasks.certificates.certificate_pdfs_redispatch_stale",
        "schedule": 5 * 60,
    },
    # Till: ask providers about payments left "unknown" (timeouts) or "pending" by a crash.
    "agency-reconcile-unknown": {
        "task": "agency.tasks.reconcile_unknown_transactions",
        "schedule": 10 * 60,
    },
    # Last month's commission statements, early on the 1st (idempotent: a rerun changes nothing).
    "agency-monthly-statements": {
        "task": "agency.tasks.generate_commission_statements",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    # Last month's statements for the member merchants (what the county owes each one).
    "shop-monthly-merchant-statements": {
        "task": "shop.tasks.generate_merchant_statements",
        "schedule": crontab(minute=45, hour=2, day_of_month=1),
    },
    # Merchants due for re-vetting within 30 days get one text message per date (idempotent).
    "shop-merchant-revet-reminders": {
        "task": "shop.tasks.remind_merchants_of_revetting",
        "schedule": crontab(minute=0, hour=9),
    },
    # Care calls: offers left unanswered pass on, late steps alert, check-ins fall due (idempotent; the
    # offer's own countdown task does the hand-on on time, this is the safety net).
    "care-sweep": {
        "task": "care.tasks.care_sweep",
        "schedule": 60,
    },
    # Checkout card attempts paid or started but never placed: refunded or cancelled (idempotent).
    "shop-card-attempts-sweep": {
        "task": "shop.tasks.sweep_abandoned_card_attempts",
        "schedule": 15 * 60,
    },
}
