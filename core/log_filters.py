"""Logging filters that keep known, expected notices out of the logs (configured in settings.LOGGING;
no Django imports: logging is configured before the apps load)."""
import logging


class OfflineValidationNotice(logging.Filter):
    """pyHanko warns on every signature that embeds validation data while fetching is off. That is our
    design, not a fault: the county's CA certificates and its CRLs are handed to the signer, so nothing
    needs fetching (core.pdf.sign_pdf); a warning per certificate would hide the ones that matter."""

    NOTICE = "Validation/revocation info will be embedded, but fetching is not allowed"

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.NOTICE)
