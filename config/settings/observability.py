"""What operators see of a running site: JSON logs with a request id, who may read health details and
metrics, and errors sent to a Sentry-compatible service. Imported by config/settings/base.py, whose every
importer sees these names.
"""

import structlog

from config.env import env, fail, networks, read

# Logs: one JSON object a line on stderr (journald keeps them), every line of a request or of the Celery
# task it started carrying the same request_id (django-structlog; nginx's X-Request-ID when it sends one).
# LOG_FORMAT=console for a person reading a terminal. core/logging.py binds the client's address.
LOG_FORMAT = read("LOG_FORMAT", env.str, "json", "LOG_FORMAT=json (or console)")
if LOG_FORMAT not in ("json", "console"):
    fail("LOG_FORMAT", f"is {LOG_FORMAT!r}; it must be json or console")
_LOG_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": structlog.stdlib.ProcessorFormatter, "foreign_pre_chain": _LOG_PRE_CHAIN,
                 "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                                structlog.processors.format_exc_info,
                                structlog.processors.JSONRenderer(ensure_ascii=False)]},
        "console": {"()": structlog.stdlib.ProcessorFormatter, "foreign_pre_chain": _LOG_PRE_CHAIN,
                    "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                                   structlog.dev.ConsoleRenderer(colors=False)]},
    },
    "filters": {"offline_validation_notice": {"()": "core.log_filters.OfflineValidationNotice"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": read("LOG_LEVEL", env.str, "INFO", "LOG_LEVEL=WARNING")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # Wagtail's inline index/reference tasks
        "wagtail": {"level": "WARNING"},
        "oscar.alerts": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # each failure is a warning; lock-outs are audit events too
        "pyhanko.sign.signers.pdf_signer": {"filters": ["offline_validation_notice"]},
    },
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.UnicodeDecoder(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The address comes from core.http.client_address (TRUSTED_PROXIES), not ipware: core/logging.py binds it.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# nginx sets X-Request-ID itself (docs/deploy/nginx.conf); gunicorn listens on loopback only.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True

# Health details and /metrics: from these networks (Prometheus, the IT office), or the system admin.
OPS_ALLOWED_NETWORKS = read("OPS_ALLOWED_NETWORKS", networks, ["127.0.0.1", "::1"],
                            "OPS_ALLOWED_NETWORKS=127.0.0.1,10.0.0.0/24")

# Errors to a Sentry-compatible service (Sentry, GlitchTip) only when a DSN is set; nothing leaves otherwise.
SENTRY_DSN = read("SENTRY_DSN", env.str, "", "SENTRY_DSN=https://key@sentry.example.cn/2")
if SENTRY_DSN:
    from core.error_reporting import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=read("SENTRY_ENVIRONMENT", env.str, "production", "SENTRY_ENVIRONMENT=production"))
