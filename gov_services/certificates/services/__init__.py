"""Writes for certificates. Modules: setup.py (layouts, seals, keys, the county's PDF signer),
issue.py (issue and render), delivery.py (revoke, mail, print log, wallet attachments, revocation list).

Every function is keyword-only, takes the acting user (None only for the system: automatic
issuance, demo seeding), runs in one transaction and leaves an AuditEvent; certificate moves also
append a RequestEvent to the request's timeline. PDFs are rendered after commit by Celery.
"""

from gov_services.certificates.services.delivery import (
    certificate_attach_to_request,
    certificate_delivery_choose,
    certificate_mail,
    certificate_print_record,
    certificate_revoke,
    revocation_list_build,
)
from gov_services.certificates.services.issue import (
    certificate_html,
    certificate_issue,
    certificate_issue_on_approval,
    certificate_pdfs_redispatch,
    certificate_render_failed,
    certificate_render_pdf_now,
    certificate_render_retry,
    next_serial,
    printed_values,
    qr_html,
    verify_url,
)
from gov_services.certificates.services.long_term import published_crl
from gov_services.certificates.services.officials import (
    official_key_import,
    official_key_issue,
    official_key_revoke,
    official_seal_upload,
)
from gov_services.certificates.services.rewrap import RewrapError, certificate_keys_rewrap
from gov_services.certificates.services.setup import (
    active_signing_key,
    certificate_type_save,
    county_of,
    county_signer_create_demo,
    county_signer_load,
    department_seal_upload,
    key_passphrase,
    signing_key_rotate,
    token_algorithm,
)

__all__ = [
    "RewrapError",
    "active_signing_key",
    "certificate_attach_to_request",
    "certificate_delivery_choose",
    "certificate_html",
    "certificate_issue",
    "certificate_issue_on_approval",
    "certificate_keys_rewrap",
    "certificate_mail",
    "certificate_pdfs_redispatch",
    "certificate_print_record",
    "certificate_render_failed",
    "certificate_render_pdf_now",
    "certificate_render_retry",
    "certificate_revoke",
    "certificate_type_save",
    "county_of",
    "county_signer_create_demo",
    "county_signer_load",
    "department_seal_upload",
    "key_passphrase",
    "next_serial",
    "official_key_import",
    "official_key_issue",
    "official_key_revoke",
    "official_seal_upload",
    "printed_values",
    "published_crl",
    "qr_html",
    "revocation_list_build",
    "signing_key_rotate",
    "token_algorithm",
    "verify_url",
]
