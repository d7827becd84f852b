"""What every log line of a request carries besides django-structlog's request_id and user_id: the
client's address as core.http.client_address sees it (TRUSTED_PROXIES; ipware would believe any
X-Forwarded-For), and the request id sent back in the response's X-Request-ID, so a resident's or an
operator's screenshot of an error leads to its log lines. Connected in CoreConfig.ready().
"""

import structlog
from django_structlog import signals

from core.http import client_address


def _bind_client(request, logger, log_kwargs, **kwargs):
    structlog.contextvars.bind_contextvars(ip=client_address(request))


def _request_id_header(request, logger, response, log_kwargs, **kwargs):
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response["X-Request-ID"] = request_id


def logging_signals_connect() -> None:
    signals.bind_extra_request_metadata.connect(_bind_client, dispatch_uid="core.logging.client")
    signals.bind_extra_request_finished_metadata.connect(_request_id_header, dispatch_uid="core.logging.header")
