
"""SM2 certificate tokens (国密, GB/T 32918): the signature checked against the standard's own example and
against OpenSSL, tokens of both algorithms side by side, forged and revoked ones refused, key storage."""

import datetime
import shutil
import subprocess

import pytest
from asn1crypto.algos import DSASignature
from django.urls import reverse
from django.utils import timezone
from gmssl import sm2 as gmssl_sm2

from gov_services.certificates import selectors, services, tokens
from gov_services.certificates.tokens import Claims, Outcome
from tests.factories import DepartmentMembershipFactory, UserFactory
from tests.gov_services.certificate_helpers import approved_request, issue_committed

# GB/T 32918.2-2016 Annex A.2: the example on its 256-bit test curve (not the recommended one), signer ALICE.
TEST_CURVE = {
    "p": "8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3",
    "a": "787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498",
    "b": "63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A",
    "g": "421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"
         "0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2",
    "n": "8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7",
}
ALICE_D = "128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263"
ALICE_PUBLIC = ("0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A"
                "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857")
ALICE_Z = "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
ALICE_E = "B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76"
ALICE_K = "6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F"
ALICE_R = "40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1"
ALICE_S = "6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7"

# A signature made by OpenSSL 3.0 on the recommended curve (`openssl genpkey -algorithm SM2`, then
# `openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678` over b"CZ1.test-vector").
OPENSSL_D = 0x2657569D2EE7078E13757B708C8F060E4E8DA041D5EA217B8D0D9458A732CB04
OPENSSL_PUBLIC = bytes.fromhex(
    "045619FF0B1FAE6FA23A5E9B86B884AEECC0C5A6E8B21BCD4AE03763D6FFEAA36B"
    "CE59FC6690620C08B63FB335A5D766F7FE5E198A2155AF9D8DACA4560EA05815")
OPENSSL_SIGNATURE = bytes.fromhex(
    "82E00AF0E79BBCBBDAC6DB12D80A7C555A8F4F35662B9FADDE1EC92F305B16DD"
    "13EC098F002B11A6D85D498D7F94250BD0EA636DEE18A6D2B40E749ADDC4E2BD")

SM2_KEY = tokens.generate_private_key(tokens.SM2)
ED_KEY = tokens.generate_private_key(tokens.ED25519)
KEYS = {"LT-MZJ-K1": tokens.public_key_raw(ED_KEY), "LT-MZJ-K2": tokens.public_key_raw(SM2_KEY)}
SERIAL = "130225-2026-000123"


def claims(key_id: str = "LT-MZJ-K2", **changes) -> Claims:
    fields = {"key_id": key_id, "serial": SERIAL, "type_code": "HJZM", "issued_on": datetime.date(2026, 1, 5),
              "expires_on": datetime.date(2026, 7, 4),
              "holder_digest": tokens.holder_digest(serial=SERIAL, name="王秀英", id_number="13022519800101001X")}
    return Claims(**{**fields, **changes})


def test_the_standards_example_gives_its_z_digest_and_signature():
    curve = {k: int(v, 16) for k, v in TEST_CURVE.items() if k != "g"}
    generator = (int(TEST_CURVE["g"][:64], 16), int(TEST_CURVE["g"][64:], 16))
    engine = gmssl_sm2.CryptSM2(private_key=ALICE_D, public_key=ALICE_PUBLIC, ecc_table=TEST_CURVE)
    assert engine._kg(int(ALICE_D, 16), TEST_CURVE["g"]).upper() == ALICE_PUBLIC
    public = b"\x04" + bytes.fromhex(ALICE_PUBLIC)
    assert tokens.sm2_z(public, user_id=b"ALICE123@YAHOO.COM", curve=curve, generator=generator).hex().upper() == ALICE_Z
    e = tokens.sm2_digest(public, b"message digest", user_id=b"ALICE123@YAHOO.COM", curve=curve, generator=generator)
    assert e.hex().upper() == ALICE_E
    assert engine.sign(e, ALICE_K).upper() == ALICE_R + ALICE_S
    assert engine.verify(ALICE_R + ALICE_S, e)
    assert not engine.verify(ALICE_R + ALICE_S, tokens.sm3(b"message digesT"))


def test_sm3_gives_the_standards_example():
    assert tokens.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_a_signature_made_by_openssl_verifies_and_our_key_is_the_same_key():
    assert tokens.sm2_verify(OPENSSL_PUBLIC, b"CZ1.test-vector", OPENSSL_SIGNATURE)
    assert not tokens.sm2_verify(OPENSSL_PUBLIC, b"CZ1.test-vectoR", OPENSSL_SIGNATURE)
    assert tokens.Sm2PrivateKey(OPENSSL_D).public_raw() == OPENSSL_PUBLIC


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command")
def test_openssl_verifies_our_signature(tmp_path):
    key = tokens.Sm2PrivateKey(OPENSSL_D)
    signature = key.sign(b"signed by cunzhan")
    der = DSASignature({"r": int.from_bytes(signature[:32], "big"), "s": int.from_bytes(signature[32:], "big")})
    (tmp_path / "m").write_bytes(b"signed by cunzhan")
    (tmp_path / "s").write_bytes(der.dump())
    (tmp_path / "k.pem").write_text(
        "-----BEGIN PUBLIC KEY-----\n"
        "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE" + __import__("base64").b64encode(OPENSSL_PUBLIC[1:]).decode()
        + "\n-----END PUBLIC KEY-----\n")
    result = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "k.pem"), "-rawin",
                             "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "m"),
                             "-sigfile", str(tmp_path / "s")], capture_output=True, text=True)
    if "distid" in result.stderr and result.returncode:
        pytest.skip("this openssl has no SM2 distinguishing id option")
    assert "Verified Successfully" in result.stdout, result.stderr


def test_tokens_of_both_algorithms_verify_side_by_side():
    for key_id, key in (("LT-MZJ-K1", ED_KEY), ("LT-MZJ-K2", SM2_KEY)):
        token = tokens.sign_token(claims(key_id), key)
        assert len(token) < tokens.MAX_TOKEN_LENGTH
        result = tokens.verify_token(token, public_key_for=KEYS.get)
        assert result.outcome == Outcome.OK and result.claims == claims(key_id)


@pytest.mark.parametrize(("field", "value"), [
    ("serial", "130225-2026-000124"), ("issued_on", datetime.date(2026, 1, 6)), ("expires_on", None),
    ("holder_digest", bytes(16)), ("key_id", "LT-MZJ-K1")])
def test_an_altered_sm2_token_is_refused(field, value):
    signature = tokens.sign_token(claims(), SM2_KEY).rsplit(".", 1)[1]
    body = tokens.sign_token(claims(**{field: value}), SM2_KEY).rsplit(".", 1)[0]
    assert tokens.verify_token(f"{body}.{signature}", public_key_for=KEYS.get).outcome == Outcome.BAD_SIGNATURE


def test_an_sm2_token_signed_by_another_key_or_with_r_or_s_out_of_range_is_refused():
    other = tokens.generate_private_key(tokens.SM2)
    assert tokens.verify_token(tokens.sign_token(claims(), other), public_key_for=KEYS.get).outcome == Outcome.BAD_SIGNATURE
    body = tokens.sign_token(claims(), SM2_KEY).rsplit(".", 1)[0]
    n = tokens.SM2_CURVE["n"]
    for r, s in ((0, 1), (1, 0), (n, 1), (1, n)):
        forged = f"{body}.{tokens.b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
        assert tokens.verify_token(forged, public_key_for=KEYS.get).outcome == Outcome.BAD_SIGNATURE


def test_a_key_whose_x_starts_with_04_signs_and_verifies():
    # gmssl's constructor lstrips "04" from a public key, which ate the leading 0 and 4 digits of such an x:
    # one SM2 key in 256 made signatures that never verified (a flaky certificate test found it).
    key = tokens.Sm2PrivateKey(11)
    assert key.public_raw()[:2] == b"\x04\x04"
    assert tokens.sm2_verify(key.public_raw(), b"x", key.sign(b"x"))
    assert not tokens.sm2_verify(key.public_raw(), b"y", key.sign(b"x"))


def test_a_public_key_off_the_curve_verifies_nothing():
    public = bytearray(tokens.public_key_raw(SM2_KEY))
    public[-1] ^= 1
    assert not tokens.sm2_verify(bytes(public), b"x", SM2_KEY.sign(b"x"))
    assert tokens.sm2_verify(tokens.public_key_raw(SM2_KEY), b"x", SM2_KEY.sign(b"x"))


def test_an_sm2_private_key_is_stored_sealed_and_opens_only_with_its_passphrase():
    pem = tokens.encrypt_private_key(SM2_KEY, b"secret")
    assert f"{SM2_KEY.secret:064x}" not in pem and tokens.is_sm2_pem(pem)
    assert tokens.decrypt_private_key(pem, b"secret").secret == SM2_KEY.secret
    with pytest.raises(ValueError):
        tokens.decrypt_private_key(pem, b"wrong")
    with pytest.raises(TypeError):
        tokens.decrypt_private_key(pem, None)


# --- the county's keys ---------------------------------------------------------------------------------

@pytest.fixture
def sm2_county(settings):
    settings.CERTIFICATE_TOKEN_ALGORITHM = "SM2"


def issue(request, actor, capture):
    """Issued and committed; no test here reads the PDF, so it is not rendered."""
    return issue_committed(request, actor, capture, render_pdf=False)


@pytest.mark.django_db
@pytest.mark.usefixtures("private_files")
def test_a_county_on_sm2_signs_with_sm2_and_the_verify_page_and_keys_json_say_so(
        sm2_county, client, officer, approved, seal, django_capture_on_commit_callbacks):
    certificate = issue(approved, officer, django_capture_on_commit_callbacks)
    assert certificate.signing_key.algorithm == "SM2"
    assert len(tokens.b64url_decode(certificate.signing_key.public_key)) == 65
    assert selectors.certificate_verify(token=certificate.token).is_valid
    response = client.get(reverse("gov_services:certificate-verify-token", args=[certificate.token]))
    assert response.status_code == 200 and 'id="verify-valid"' in response.content.decode()
    keys = client.get(reverse("gov_services:certificate-public-keys")).json()["keys"]
    assert [k["algorithm"] for k in keys] == ["SM2"]
    body, signature = certificate.token.rsplit(".", 1)
    forged = f"{body[:-1]}{'A' if body[-1] != 'A' else 'B'}.{signature}"
    assert selectors.certificate_verify(token=forged).state == "forged"
    services.certificate_revoke(certificate=certificate, actor=officer, reason="内容有误")
    assert selectors.certificate_verify(token=certificate.token).state == "revoked"
    # The signed revocation list's section is signed with the department's SM2 key, and verifies.
    section = services.revocation_list_build()["sections"][0]
    signed = {k: v for k, v in section.items() if k != "signature"}
    assert tokens.verify_bytes(tokens.b64url_decode(keys[0]["public_key"]), tokens.canonical_json(signed),
                               tokens.b64url_decode(section["signature"]))


@pytest.mark.django_db
@pytest.mark.usefixtures("private_files")
def test_switching_to_sm2_and_rotating_keeps_ed25519_certificates_valid(
        settings, county_admin, officer, approved, cert_item, station, seal, django_capture_on_commit_callbacks):
    before = issue(approved, officer, django_capture_on_commit_callbacks)
    assert before.signing_key.algorithm == "Ed25519"
    settings.CERTIFICATE_TOKEN_ALGORITHM = "SM2"
    key = services.signing_key_rotate(department=approved.department, actor=county_admin)
    assert key.algorithm == "SM2"
    after = issue(approved_request(cert_item, station, officer), officer, django_capture_on_commit_callbacks)
    assert after.signing_key == key
    assert selectors.certificate_verify(token=before.token).is_valid
    assert selectors.certificate_verify(token=after.token).is_valid
    assert {k["algorithm"] for k in selectors.public_keys()} == {"Ed25519", "SM2"}


@pytest.mark.django_db
@pytest.mark.usefixtures("private_files")
def test_a_revoked_officials_sm2_key_signs_nothing_dated_later(
        sm2_county, officer, approved, seal, django_capture_on_commit_callbacks):
    head = UserFactory(full_name="赵主任")
    DepartmentMembershipFactory(department=approved.department, user=head, is_head=True)
    key = services.official_key_issue(department=approved.department, official=officer, actor=head)
    assert key.algorithm == "SM2" and key.certificate_pem == ""
    signed = issue(approved, officer, django_capture_on_commit_callbacks)
    assert signed.signing_key == key
    services.official_key_revoke(key=key, actor=head, reason="调离本部门")
    assert selectors.certificate_verify(token=signed.token).is_valid
    later = timezone.localdate() + datetime.timedelta(days=1)
    forged = tokens.sign_token(claims(key.key_id, serial=signed.serial, issued_on=later),
                               services.setup.private_key_of(key))
    assert selectors.certificate_verify(token=forged).state == "forged"


@pytest.mark.django_db
def test_an_sm2_key_is_rewrapped_after_the_secret_changes_and_a_second_run_changes_nothing(
        sm2_county, settings, department):
    old, new = "the-old-secret-key-" + "x" * 40, "the-new-secret-key-" + "y" * 40
    settings.SECRET_KEY, settings.CERTIFICATE_KEY_PASSPHRASE = old, ""
    key = services.active_signing_key(department=department)
    assert key.algorithm == "SM2" and tokens.is_sm2_pem(key.private_key_pem)
    settings.SECRET_KEY = new
    services.setup.forget_opened_keys()
    with pytest.raises(ValueError):
        services.setup.private_key_of(key)
    assert services.certificate_keys_rewrap(old_secret=old)["signing_keys"] == 1
    key.refresh_from_db()
    services.setup.forget_opened_keys()
    private = services.setup.private_key_of(key)
    assert tokens.b64url(private.public_raw()) == key.public_key
    assert services.certificate_keys_rewrap(old_secret=old)["signing_keys"] == 0
