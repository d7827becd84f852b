"""/verify/offline/: the certificate verifier a station or a bank saves and opens with no network.

One HTML file with everything inside it — its style, its script (static/gov_services/offline-verifier.js,
and static/vendor/sm-crypto/sm2.js for SM2 signatures)
and the county's public keys and signed revocation list as of the moment it was fetched — so that
"Save page" (or the download link, `?download=1`) gives a file that works from disk. When online it
refreshes the keys and revocations from this site (the JSON endpoints send CORS headers for it).
"""

from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gov_services.certificates import selectors, services

APP_DIR = Path(__file__).resolve().parent.parent  # gov_services/
SCRIPT = APP_DIR / "static" / "gov_services" / "offline-verifier.js"
# SM2 verification in the browser (WebCrypto has none): the vendored sm-crypto (static/vendor/sm-crypto).
SM2_SCRIPT = APP_DIR.parent / "static" / "vendor" / "sm-crypto" / "sm2.js"


@cache
def _script() -> str:
    return SCRIPT.read_text(encoding="utf-8")


@cache
def _sm2_script() -> str:
    return SM2_SCRIPT.read_text(encoding="utf-8")


def _messages() -> dict[str, str]:
    """What the script says, in the language of the page."""
    return {
        "state_valid": _("Valid"), "state_revoked": _("Revoked"), "state_expired": _("Expired"),
        "state_unknown": _("Not valid: signed by a key this copy does not know"),
        "state_forged": _("Forged or altered"),
        "malformed": _("This is not a Cunzhan certificate code, or it has been changed."),
        "bad_signature": _("The signature does not match: the code was forged or altered."),
        "unknown_key": _("The key that signed it is not in this copy's list. Refresh the list when you "
                         "have a network; if it is still unknown, the certificate is not ours."),
        "revoked_on": _("The department revoked this certificate on %(date)s."),
        "expired_on": _("This certificate was valid until %(date)s."),
        "certificate": _("certificate type"), "serial": _("Serial number"), "issued": _("Issued on"),
        "expires": _("Valid until"), "no_expiry": _("Does not expire"), "department": _("Issuing department"),
        "holder_match": _("The name and ID number match the certificate's holder."),
        "holder_mismatch": _("The name and ID number do NOT match the certificate's holder."),
        "no_barcode_detector": _("This browser cannot read QR codes from photos. Scan with a code scanner, or "
                                 "paste the text of the code."),
        "no_qr_in_photo": _("No QR code could be read in this photo. Take it closer, in good light, with the "
                            "whole code in the picture."),
        "refreshing": _("Fetching the current keys and revocations…"),
        "refreshed": _("Updated: this browser now keeps the current keys and revocations."),
        "refresh_failed": _("Could not reach the county's site: still using the copy below."),
        "online": _("Online"), "offline": _("Offline"),
        "signed_by": _("Signed by"),
        "key_revoked": _("It is signed with a key that was revoked on %(date)s, before it was dated."),
    }


class OfflineVerifierView(View):
    def get(self, request):
        keys_path = reverse("gov_services:certificate-public-keys")
        data = {
            "origin": request.build_absolute_uri("/"), "keys_path": keys_path,
            "revocations_path": reverse("gov_services:certificate-revocations"),
            "generated_at": timezone.now().isoformat(), "keys": selectors.public_keys(),
            "revocations": services.revocation_list_build(), "types": selectors.certificate_type_titles(),
        }
        html = render_to_string("gov_services/certificates/offline_verifier.html", {
            "data": data, "messages_json": _messages(), "script": _script(), "sm2_script": _sm2_script(),
            "online_url": request.build_absolute_uri(reverse("gov_services:certificate-verify")),
        }, request=request)
        response = HttpResponse(html)
        if request.GET.get("download"):
            response["Content-Disposition"] = 'attachment; filename="cunzhan-certificate-verifier.html"'
        response["Cache-Control"] = "no-store"
        return response
