"""Certificate PDFs are rendered here, after the issuing transaction commits (never in a web request)."""

import logging

from celery import shared_task

from gov_services.certificates import services

logger = logging.getLogger("cunzhan.certificates")


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def certificate_render_pdf(self, certificate_id: int) -> None:
    """Render, sign (PAdES) and store one certificate's PDF. Idempotent: acks_late may run it twice.

    After the last retry (at once when tasks run eagerly, in the embedded demo) the PDF is marked
    failed and the department's page offers to try again; the issue itself stands."""
    try:
        services.certificate_render_pdf_now(certificate_id=certificate_id)
    except Exception as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.exception("Certificate %s: PDF rendering failed", certificate_id)
            services.certificate_render_failed(certificate_id=certificate_id)
            return
        raise self.retry(exc=error) from error


@shared_task(ignore_result=True)
def certificate_pdfs_redispatch_stale() -> int:
    """Every few minutes: PDFs whose hand-off to Celery was lost (broker down when the certificate was issued)."""
    return services.certificate_pdfs_redispatch()
