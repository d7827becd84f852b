"""Public verification, for everyone, signed in or not (/verify/…): check a code or a photo of the QR,
the public keys and the signed revocation list. Rate-limited per client address; bad input is a
"not valid" answer, never a 500.
"""

import io

from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django_ratelimit.core import is_ratelimited

from core.http import site_file_response
from gov_services.certificates import selectors, services, tokens
from gov_services.certificates.forms import HolderCheckForm, VerifyForm

VERIFY_ATTEMPTS = 60        # verifications per client address …
VERIFY_WINDOW = 10 * 60     # … per ten minutes


def verify_attempt_allowed(request) -> bool:
    """Count one verification from this client address; False once VERIFY_ATTEMPTS are used in the window."""
    return not is_ratelimited(request, group="gov_services.verify", key="ip",
                              rate=(VERIFY_ATTEMPTS, VERIFY_WINDOW), increment=True)


def decode_qr_photo(upload) -> str | None:
    """The text of the first QR code in a photo, or None. Phones' HEIC photos are read when
    pillow-heif is installed; huge images are refused by Pillow's decompression-bomb guard."""
    import zxingcpp
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:  # optional
        pass
    try:
        with Image.open(io.BytesIO(upload.read())) as image:
            image = ImageOps.exif_transpose(image).convert("L")
            image.thumbnail((2400, 2400))
            results = zxingcpp.read_barcodes(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    for result in results:
        token = tokens.extract_token(result.text)
        if token:
            return token
    return results[0].text if results else None


def _limited(request, template: str, context: dict):
    return TemplateResponse(request, template, {**context, "limited": True}, status=429)


class VerifyView(View):
    """/verify/: paste a code or upload a photo of the QR code; the answer is /verify/<token>."""

    template_name = "gov_services/certificates/verify.html"

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": VerifyForm()})

    def post(self, request):
        form = VerifyForm(request.POST, request.FILES)
        if not verify_attempt_allowed(request):
            return _limited(request, self.template_name, {"form": form})
        if not form.is_valid():
            return TemplateResponse(request, self.template_name, {"form": form}, status=400)
        text = form.cleaned_data.get("code") or ""
        token = tokens.extract_token(text)
        if token is None and form.cleaned_data.get("photo"):
            decoded = decode_qr_photo(form.cleaned_data["photo"])
            if decoded is None:
                form.add_error("photo", _("No QR code could be read in this photo. Take it closer, in good "
                                          "light, with the whole code in the picture."))
                return TemplateResponse(request, self.template_name, {"form": form}, status=400)
            token = tokens.extract_token(decoded) or decoded
        token = token or text.strip()
        result = selectors.certificate_verify(token=token[:tokens.MAX_TOKEN_LENGTH + 1])
        return TemplateResponse(request, "gov_services/certificates/verify_result.html",
                                {"result": result, "token": token if result.state != "forged" else "",
                                 "check_form": HolderCheckForm() if result.state != "forged" else None})


class VerifyTokenView(View):
    """/verify/<token>: the answer for one code (what a phone camera opens from the QR code). POST
    checks the holder: the name and ID number on the card against the certificate's fingerprint."""

    template_name = "gov_services/certificates/verify_result.html"

    def get(self, request, token):
        if not verify_attempt_allowed(request):
            return _limited(request, self.template_name, {"result": None})
        result = selectors.certificate_verify(token=token)
        return TemplateResponse(request, self.template_name, {
            "result": result, "token": token if result.state != "forged" else "",
            "check_form": HolderCheckForm() if result.state != "forged" else None})

    def post(self, request, token):
        if not verify_attempt_allowed(request):
            return _limited(request, self.template_name, {"result": None})
        result = selectors.certificate_verify(token=token)
        form = HolderCheckForm(request.POST)
        holder_match = None
        if result.state != "forged" and form.is_valid():
            claims, _signed, _signature = tokens.parse_token(token)
            holder_match = claims.holder_digest == tokens.holder_digest(
                serial=claims.serial, name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"])
        return TemplateResponse(request, self.template_name, {
            "result": result, "token": token if result.state != "forged" else "", "check_form": form,
            "holder_match": holder_match}, status=200 if form.is_valid() or result.state == "forged" else 400)


class PublicKeysView(View):
    """/verify/keys.json: every department's public keys, retired ones included, by key id."""

    def get(self, request):
        response = JsonResponse({"format": "CZ1-keys", "keys": selectors.public_keys()},
                                json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Cache-Control"] = "public, max-age=300"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class RevocationListView(View):
    """/verify/revocations.json: revoked serials per department, each section signed by its key."""

    def get(self, request):
        response = JsonResponse(services.revocation_list_build(), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "public, max-age=60"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class CountyCrlView(View):
    """/verify/ca/<id>.crl: the county demo CA's certificate revocation list (DER), the distribution point
    written in the certificates it issues, so that PDF validators (and our signer, for B-LT) can fetch it."""

    def get(self, request, signer_id: int):
        crl = services.published_crl(signer_id=signer_id)
        if crl is None:
            raise Http404
        response = HttpResponse(crl, content_type="application/pkix-crl")
        response["Cache-Control"] = "public, max-age=300"
        return response


class CertificateTokenDocView(View):
    """/verify/format/: the token format for people writing an offline verifier (docs/certificate-token.md)."""

    def get(self, request):
        from django.conf import settings

        path = settings.BASE_DIR / "docs" / "certificate-token.md"
        if not path.exists():
            raise Http404
        return site_file_response(path.read_bytes(), filename=path.name, content_type="text/markdown; charset=utf-8",
                                  inline=True)
