"""Certificates (电子证照): what a request that ends in a certificate is given. A catalogue item's certificate
type and printed layout, department seals and signing keys, officials' keys and personal seals, the issued
certificate (serial, signed QR token, PDF with PAdES signature and time-stamp), its delivery (mail, print at
the station, the resident's wallet), revocation, and public verification (online, and the offline verifier).

Modules: models.py (Django finds them through gov_services/models/__init__.py), layout.py (the layout's
placeholders, pure), tokens.py (the signed QR token, pure), pki.py (the county's PDF signing CA),
tsa_simulator.py (the demo's RFC 3161 time-stamping authority), services/ (writes), selectors.py (reads,
scoped), forms.py, views_setup.py, views_official_keys.py, views_issue.py, views_wallet.py, views_verify.py,
views_offline_verifier.py, views_tsa_simulator.py, urls.py (included by gov_services/urls.py). The Celery
tasks stay in gov_services/tasks/certificates.py (their names are stored in beat schedules) and the
templates in templates/gov_services/certificates/.

What it may import: the requests and catalogue features, which sit below it (a certificate is issued for a
request of a catalogue item), and the app's shared modules. It never imports supervision. It appends to a
request's timeline only through requests' public `request_event_record`. Requests does not know it: whoever
approves a request calls `certificate_issue_on_approval(request=…)` right after `service_request_approve`,
in the same transaction.
"""
