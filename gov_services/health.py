"""gov_services' part of the platform's health and metrics (core/health.py, core/metrics.py), registered
from GovServicesConfig.ready(): the working-day calendar and the signing keys as readiness checks, the
deadline and certificate figures as Prometheus gauges. Figures come from selectors/operations.py."""

from __future__ import annotations

import dataclasses
import datetime
import functools

from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceWarning

from core.health import health_check_register
from core.metrics import gauge_register
from gov_services.certificates import pki, tokens
from gov_services.selectors import operations


@dataclasses.dataclass
class WorkingDayCalendar(HealthCheck):
    """The calendar the deadlines count on: next year's from December, this year's before. Missing, every
    deadline would count public holidays as working days — a warning, the site still serves."""

    def run(self):
        year = operations.calendar_year_needed(today=timezone.localdate())
        if not operations.calendar_year_present(year=year):
            raise ServiceWarning(f"no public holidays loaded for {year} (manage.py calendar_load or the county's calendar page)")


@functools.lru_cache(maxsize=64)
def _pdf_signer_opens(certificate_pem: str, private_key_pem: str, passphrase: bytes) -> None:
    # scrypt costs ~0.1 s: a key that opened once in this process is not opened on every probe.
    pki.check_signer(certificate_pem=certificate_pem, private_key_pem=private_key_pem, passphrase=passphrase)


@dataclasses.dataclass
class SigningKeys(HealthCheck):
    """Every department's QR-token key and every county's PDF signer in force opens with the passphrase
    (SECRET_KEY or CERTIFICATE_KEY_PASSPHRASE, e.g. after a secret rotation without a re-wrap) and signs;
    a PDF signer's certificate is within its validity."""

    def run(self):
        from gov_services.certificates.services.setup import key_passphrase, private_key_of

        problems = []
        for key in operations.active_signing_keys():
            try:
                private = private_key_of(key)
                signature = private.sign(b"cunzhan-health")
                if not tokens.verify_bytes(tokens.b64url_decode(key.public_key), b"cunzhan-health", signature):
                    problems.append(f"key {key.key_id} does not match its public key")
            except (ValueError, TypeError):
                problems.append(f"key {key.key_id} does not open")
        passphrase = key_passphrase()
        now = datetime.datetime.now(datetime.UTC)
        for signer in operations.active_pdf_signers():
            try:
                _pdf_signer_opens(signer.certificate_pem, signer.private_key_pem, passphrase)
            except (ValueError, TypeError):
                problems.append(f"PDF signer of county {signer.county_id} does not open")
                continue
            from cryptography import x509

            certificate = x509.load_pem_x509_certificate(signer.certificate_pem.encode("ascii"))
            if certificate.not_valid_after_utc < now:
                problems.append(f"PDF signer of county {signer.county_id} expired {certificate.not_valid_after_utc:%Y-%m-%d}")
        if problems:
            raise ServiceWarning("; ".join(problems))


def operations_register() -> None:
    health_check_register(WorkingDayCalendar)
    health_check_register(SigningKeys)
    gauge_register("cunzhan_requests_overdue", "Open service requests past their deadline",
                   lambda: operations.overdue_request_count())
    gauge_register("cunzhan_requests_red_carded", "Open service requests holding a red card",
                   operations.red_carded_request_count)
    gauge_register("cunzhan_certificate_renders_failed", "Certificates whose PDF failed to render",
                   operations.certificate_render_failed_count)
