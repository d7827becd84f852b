"""The QR token (gov_services/certificates/tokens.py): signing, verifying, and every way to break it."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gov_services.certificates import tokens
from gov_services.certificates.tokens import Claims, Outcome

KEY = tokens.generate_private_key()
OTHER_KEY = tokens.generate_private_key()
KEYS = {"LT-MZJ-K1": tokens.public_key_raw(KEY)}
SERIAL = "130225-2026-000123"
CLAIMS = Claims(key_id="LT-MZJ-K1", serial=SERIAL, type_code="HJZM", issued_on=datetime.date(2026, 1, 5),
                expires_on=datetime.date(2026, 7, 4),
                holder_digest=tokens.holder_digest(serial=SERIAL, name="王秀英", id_number="13022519800101001X"))
TOKEN = tokens.sign_token(CLAIMS, KEY)


def verify(token: str) -> tokens.Verification:
    return tokens.verify_token(token, public_key_for=KEYS.get)


def test_a_signed_token_verifies_and_gives_back_its_claims():
    result = verify(TOKEN)
    assert result.outcome == Outcome.OK and result.claims == CLAIMS


def test_the_token_holds_no_personal_data_in_clear():
    assert "王秀英" not in TOKEN and "13022519800101001X" not in TOKEN and "19800101" not in TOKEN
    assert TOKEN.startswith("CZ1.LT-MZJ-K1.130225-2026-000123.HJZM.20260105.20260704.")


def test_a_token_without_expiry_says_0_and_never_expires():
    token = tokens.sign_token(Claims(**{**CLAIMS.__dict__, "expires_on": None}), KEY)
    claims = verify(token).claims
    assert ".20260105.0." in token and claims.expires_on is None and not claims.expired(datetime.date(2099, 1, 1))


@pytest.mark.parametrize(("today", "expired"), [
    (datetime.date(2026, 7, 4), False), (datetime.date(2026, 7, 5), True), (datetime.date(2026, 1, 1), False)])
def test_a_certificate_expires_the_day_after_its_last_valid_day(today, expired):
    assert CLAIMS.expired(today) is expired


@pytest.mark.parametrize(("field", "value"), [
    ("key_id", "LT-MZJ-K2"), ("serial", "130225-2026-000124"), ("type_code", "HJZN"),
    ("issued_on", datetime.date(2026, 1, 6)), ("expires_on", datetime.date(2027, 7, 4)), ("expires_on", None),
    ("holder_digest", bytes(16)),
])
def test_changing_any_claim_breaks_the_signature(field, value):
    forged = Claims(**{**CLAIMS.__dict__, field: value})
    body = tokens.sign_token(forged, KEY).rsplit(".", 1)[0]
    keys = {**KEYS, "LT-MZJ-K2": tokens.public_key_raw(KEY)}
    result = tokens.verify_token(f"{body}.{TOKEN.rsplit('.', 1)[1]}", public_key_for=keys.get)
    assert result.outcome == Outcome.BAD_SIGNATURE


def test_every_single_character_changed_makes_the_token_invalid():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    for position, original in enumerate(TOKEN):
        for replacement in ("A", "z", "0", "-", "_", "."):
            if replacement == original:
                continue
            tampered = TOKEN[:position] + replacement + TOKEN[position + 1:]
            assert not verify(tampered).ok, (position, original, replacement)
    assert set(TOKEN) <= set(alphabet)


def test_a_token_signed_with_another_key_under_a_published_id_is_forged():
    assert verify(tokens.sign_token(CLAIMS, OTHER_KEY)).outcome == Outcome.BAD_SIGNATURE


def test_a_token_naming_an_unknown_key_says_so():
    token = tokens.sign_token(Claims(**{**CLAIMS.__dict__, "key_id": "XX-K9"}), OTHER_KEY)
    result = verify(token)
    assert result.outcome == Outcome.UNKNOWN_KEY and not result.ok


@pytest.mark.parametrize("text", [
    "", "hello", "CZ1", "CZ2" + TOKEN[3:], TOKEN + ".", TOKEN + "A", TOKEN[:-1], " " * 10,
    TOKEN.replace(".20260105.", ".20261305."),  # month 13
    TOKEN.replace(".20260105.", ".2026015."),
    TOKEN.replace("HJZM", "户籍"),
    TOKEN.replace("HJZM", "H" * 33),
    TOKEN + "A" * 500,
    "CZ1." + "." * 7,
    "\x00" * 20,
])
def test_malformed_input_is_refused_without_an_exception(text):
    assert verify(text).outcome == Outcome.MALFORMED


def test_a_signature_with_stray_base64_bits_is_not_accepted_as_a_second_spelling():
    # The last base64url character of a 64-byte signature carries 2 spare bits; flipping them decodes to
    # the same bytes. Such a token is not the one we issued.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = alphabet[alphabet.index(TOKEN[-1]) ^ 1]
    assert tokens.b64url_decode(TOKEN.rsplit(".", 1)[1][:-1] + twin) == tokens.b64url_decode(TOKEN.rsplit(".", 1)[1])
    assert verify(TOKEN[:-1] + twin).outcome == Outcome.MALFORMED


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(TOKEN) - 1), st.characters(codec="utf-8"))
def test_fuzzed_one_character_mutations_never_verify(position, character):
    tampered = TOKEN[:position] + character + TOKEN[position + 1:]
    if tampered != TOKEN:
        assert not verify(tampered).ok


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_never_a_valid_token_and_never_raise(data):
    assert not verify(data.decode("latin-1")).ok


@pytest.mark.parametrize(("name", "same"), [("王秀英", True), (" 王 秀英 ", True), ("王秀", False), ("王秀英 ", True)])
def test_the_holder_fingerprint_ignores_spaces_but_not_characters(name, same):
    digest = tokens.holder_digest(serial=SERIAL, name=name, id_number="13022519800101001x")
    assert (digest == CLAIMS.holder_digest) is same


def test_the_holder_fingerprint_is_salted_by_the_serial():
    assert tokens.holder_digest(serial="130225-2026-000124", name="王秀英", id_number="13022519800101001X") \
        != CLAIMS.holder_digest


@pytest.mark.parametrize("wrapper", ["{}", "https://cunzhan.example.cn/verify/{}", "扫码结果：{} 谢谢", "\n{}\n"])
def test_the_token_is_found_inside_a_scanned_url_or_pasted_text(wrapper):
    assert tokens.extract_token(wrapper.format(TOKEN)) == TOKEN


def test_private_keys_are_stored_encrypted_and_open_only_with_the_passphrase():
    pem = tokens.encrypt_private_key(KEY, b"secret")
    assert "ENCRYPTED PRIVATE KEY" in pem
    assert tokens.public_key_raw(tokens.decrypt_private_key(pem, b"secret")) == KEYS["LT-MZJ-K1"]
    with pytest.raises(ValueError):
        tokens.decrypt_private_key(pem, b"wrong")


def test_a_signed_document_verifies_only_unchanged():
    document = {"department_code": "LT-MZJ", "revoked": [{"serial": SERIAL, "revoked_on": "2026-02-01"}]}
    signature = tokens.b64url_decode(tokens.sign_document(document, KEY))
    assert tokens.verify_bytes(KEYS["LT-MZJ-K1"], tokens.canonical_json(document), signature)
    document["revoked"] = []
    assert not tokens.verify_bytes(KEYS["LT-MZJ-K1"], tokens.canonical_json(document), signature)


@pytest.mark.parametrize("bad", ["has space", "点", "a" * 33, ""])
def test_signing_refuses_fields_outside_the_token_alphabet(bad):
    with pytest.raises(ValueError):
        tokens.sign_token(Claims(**{**CLAIMS.__dict__, "serial": bad}), KEY)
