"""The access matrix's rows for certificates: types, seals and keys, officials' keys, a certificate's
pages and actions, public verification, the demo CA's CRL and TSA."""

from __future__ import annotations

from tests.access.policy import (
    COUNTY,
    DEPARTMENT,
    DONE,
    HEAD,
    PUBLIC,
    RESIDENT,
    SIGNED_IN,
    STAFF,
    STATION,
    Case,
    Obj,
    Post,
    Unexercised,
)
from tests.access.table.common import FILE, key


def _seal():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.gov_services.certificate_helpers import seal_png

    return SimpleUploadedFile("seal.png", seal_png(), content_type="image/png")


def _current_official_key(thing, world) -> dict:
    """The issue form as the page sends it: the key id it showed in use (a new key replaces that one)."""
    from gov_services.models import SigningKey

    key = SigningKey.objects.filter(department_id=thing.attrs["pk"], official_id=thing.attrs["user_id"],
                                    retired_at__isnull=True).first()
    return {"current": key.key_id if key else ""}


def _ed25519_pem() -> str:
    """A fresh Ed25519 private key, as a county's key ceremony hands one over (unencrypted PKCS#8 PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()).decode()


def _wallet_attach(thing, world) -> dict:
    requests = [t for t in world.of("request", "returned") if t.tags.get("resident") == "A"]
    return {"request_id": requests[0].attrs["pk"]}


ROWS: dict[str, Case] = {
    # --- certificates -----------------------------------------------------------------------------------------------
    "gov_services:certificate-type-list": Case(COUNTY),
    "gov_services:certificate-type-edit": Case(COUNTY, Obj("service_item", item_id="pk"), post=Post(lambda t, w: {
        "code": t.obj.certificate_type.code, "title": t.obj.certificate_type.title + "（改）", "validity_days": 90,
        "body_html": "<h1>{{ title }}</h1>{{ serial }}{{ seal }}{{ qr }}", "css": "", "is_active": "on"}, control="county_admin")),
    "gov_services:certificate-department": Case(COUNTY, Obj("department", pk="pk"), post=Post(
        lambda t, w: {"image": _seal()}, control="county_admin")),
    "gov_services:certificate-department-seal": Case(COUNTY, Obj("department", pk="pk"), ok=FILE),
    "gov_services:certificate-key-rotate": Case(COUNTY, Obj("department", pk="pk"), get=False,
                                                post=Post({}, control="county_admin")),
    # Officials' keys and personal seals: the department head (own department) and the county's admins.
    "gov_services:official-key-departments": Case(SIGNED_IN, ok=DONE),
    "gov_services:official-keys": Case(HEAD | COUNTY, Obj("department", pk="pk")),
    "gov_services:official-key-issue": Case(HEAD | COUNTY, Obj("department_official", pk="pk", user_id="user_id"),
                                            get=False, post=Post(lambda t, w: _current_official_key(t, w), control="department_head")),
    "gov_services:official-key-import": Case(HEAD | COUNTY, Obj("department_official", pk="pk", user_id="user_id"),
                                             post=Post(lambda t, w: {"private_key_pem": _ed25519_pem()},
                                                       control="department_head")),
    "gov_services:official-seal": Case(HEAD | COUNTY, Obj("department_official", pk="pk", user_id="user_id"),
                                       ok=FILE, post=Post(lambda t, w: {"image": _seal()},
                                                          control="department_head")),
    "gov_services:official-key-revoke": Case(HEAD | COUNTY, Obj("official_key", pk="pk", key_pk="key_pk"),
                                             get=False, post=Post({"reason": "调离"}, control="department_head")),
    # A certificate is seen by its holder and the staff of its request (station, department, region).
    "gov_services:certificate-detail": Case(STAFF | RESIDENT, Obj("certificate", pk="pk")),
    "gov_services:certificate-pdf": Case(STAFF | RESIDENT, Obj("certificate", pk="pk"), ok=FILE),
    "gov_services:certificate-revoke": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False,
                                            post=Post({"reason": "信息有误"}, control="officer")),
    "gov_services:certificate-mail": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False, post=Post(
        {"address": "乐亭县城关村1号", "tracking_number": "SF1234567890"}, control="officer")),
    "gov_services:certificate-delivery": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False,
                                              post=Post({"delivery": "office"}, control="officer")),
    "gov_services:certificate-print": Case(STATION | DEPARTMENT, Obj("certificate", pk="pk"), get=False,
                                           post=Post(lambda t, w: {
                                               "idempotency_key": key(), "collector_is_holder": "holder", "id_checked": "on",
                                               "collector_name": t.obj.holder_name,
                                               "collector_id_number": t.obj.request.applicant_id_number},
                                               control="operator")),
    "gov_services:certificate-render-retry": Case(DEPARTMENT, Obj("certificate", pk="pk"), get=False, post=Post(
        {}, why_no_control="only a failed render is retried; every certificate of the world rendered")),
    "gov_services:certificate-wallet": Case(SIGNED_IN),
    "gov_services:certificate-wallet-attach": Case(SIGNED_IN, Obj("certificate", pk="pk"), get=False, owner="resident",
                                                   post=Post(_wallet_attach, control="resident")),
    "gov_services:certificate-verify": Case(PUBLIC, post=Unexercised("public verification of a pasted code")),
    "gov_services:certificate-public-keys": Case(PUBLIC),
    "gov_services:certificate-revocations": Case(PUBLIC),
    "gov_services:certificate-token-format": Case(PUBLIC),
    # The county demo CA's CRL: public, as the distribution point in its certificates must be.
    "gov_services:certificate-ca-crl": Case(PUBLIC, Obj("county_signer", public=True, signer_id="pk")),
    # The demo TSA (RFC 3161 over HTTP) answers anyone, like a real TSA; its root and CRL are public.
    "gov_services:tsa-simulator": Case(PUBLIC, get=False, post=Unexercised(
        "a DER TimeStampReq, not a form: tests/gov_services/test_certificate_long_term.py")),
    "gov_services:tsa-simulator-root": Case(PUBLIC),
    "gov_services:tsa-simulator-crl": Case(PUBLIC),
    "gov_services:certificate-offline-verifier": Case(PUBLIC),
    "gov_services:certificate-verify-token": Case(PUBLIC, Obj("certificate", public=True, token="token"),
                                                  post=Unexercised("public verification of a scanned code")),
}
