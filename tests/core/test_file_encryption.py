"""Private files are encrypted at rest (envelope encryption with a master key from the settings)."""

import base64
import os
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import file_crypto
from core.storage import private_storage
from gov_services.requests import services as request_services
from tests.factories import jpeg_bytes, pdf_bytes, png_bytes, upload, valid_id_number

pytestmark = pytest.mark.usefixtures("private_files")


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def master(settings):
    """A fresh master key "k1" for the test."""
    settings.FILE_MASTER_KEYS = {"k1": base64.b64decode(key())}
    settings.FILE_MASTER_KEY_ID = "k1"
    return settings


def on_disk(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


# --- The envelope, pure ----------------------------------------------------------------------------

def test_round_trip_and_a_new_data_key_for_every_file():
    keys = {"a": os.urandom(32)}
    first = file_crypto.encrypt(b"same content", keys=keys, key_id="a")
    second = file_crypto.encrypt(b"same content", keys=keys, key_id="a")
    assert first != second and b"same content" not in first
    assert file_crypto.decrypt(first, keys=keys) == file_crypto.decrypt(second, keys=keys) == b"same content"


def test_wrong_master_key_missing_key_and_tampering_are_refused_with_a_clear_message():
    sealed = file_crypto.encrypt(b"scan", keys={"a": os.urandom(32)}, key_id="a")
    with pytest.raises(file_crypto.FileKeyError, match="not the one this file was sealed with"):
        file_crypto.decrypt(sealed, keys={"a": os.urandom(32)})
    with pytest.raises(file_crypto.FileKeyError, match="'a', which is not in FILE_MASTER_KEYS"):
        file_crypto.decrypt(sealed, keys={"b": os.urandom(32)})
    with pytest.raises(file_crypto.FileKeyError, match="FILE_MASTER_KEYS is not set"):
        file_crypto.decrypt(sealed, keys={})
    keys = {"a": os.urandom(32)}
    sealed = bytearray(file_crypto.encrypt(b"scan", keys=keys, key_id="a"))
    sealed[-1] ^= 1
    with pytest.raises(file_crypto.FileKeyError, match="altered"):
        file_crypto.decrypt(bytes(sealed), keys=keys)


def test_rewrap_changes_only_the_header_and_reads_with_the_new_key():
    old, new = os.urandom(32), os.urandom(32)
    sealed = file_crypto.encrypt(b"x" * 1000, keys={"old": old}, key_id="old")
    rewrapped = file_crypto.rewrap(sealed, keys={"old": old, "new": new}, key_id="new")
    assert rewrapped[-1016:] == sealed[-1016:]  # nonce, ciphertext and tag kept
    assert file_crypto.decrypt(rewrapped, keys={"new": new}) == b"x" * 1000
    assert file_crypto.rewrap(rewrapped, keys={"new": new}, key_id="new") is None


@pytest.mark.parametrize("text, problem", [
    ("k1", "is not <key id>:<base64 key>"),
    ("k1:" + base64.b64encode(b"short").decode(), "has 5 bytes"),
    ("k1:not base64!!", "is not base64"),
])
def test_malformed_master_keys_setting_says_what_is_wrong(text, problem):
    with pytest.raises(file_crypto.FileKeyError, match=problem):
        file_crypto.parse_master_keys(text)


def test_master_keys_setting_reads_standard_and_url_safe_base64():
    raw = bytes(range(250, 256)) + os.urandom(26)
    for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("=")):
        assert file_crypto.parse_master_keys(f"k9:{encoded}, k8:{key()}")["k9"] == raw


# --- 国密: SM4-GCM envelopes, SM3 key derivation ------------------------------------------------------

def test_the_library_s_sm4_and_sm3_are_the_standard_algorithms():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    block = bytes.fromhex("0123456789abcdeffedcba9876543210")  # GB/T 32907 appendix A, example 1
    encryptor = Cipher(algorithms.SM4(block), modes.ECB()).encryptor()
    assert (encryptor.update(block) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")  # GB/T 32905 appendix A, example 1
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_round_trip_refusals_and_rewrap_keep_the_file_s_algorithm():
    keys = {"a": os.urandom(32)}
    sealed = file_crypto.encrypt(b"scan" * 100, keys=keys, key_id="a", cipher="sm4-gcm")
    assert sealed.startswith(file_crypto.MAGIC_SM4) and b"scan" not in sealed
    assert file_crypto.decrypt(sealed, keys=keys) == b"scan" * 100
    assert file_crypto.plain_size(sealed[:256], len(sealed)) == 400
    with pytest.raises(file_crypto.FileKeyError, match="not the one this file was sealed with"):
        file_crypto.decrypt(sealed, keys={"a": os.urandom(32)})
    altered = bytearray(sealed)
    altered[-1] ^= 1
    with pytest.raises(file_crypto.FileKeyError, match="altered"):
        file_crypto.decrypt(bytes(altered), keys=keys)
    keys["b"] = os.urandom(32)
    rewrapped = file_crypto.rewrap(sealed, keys=keys, key_id="b")  # the default cipher is AES: the file stays SM4
    assert rewrapped.startswith(file_crypto.MAGIC_SM4) and rewrapped[-416:] == sealed[-416:]
    assert file_crypto.decrypt(rewrapped, keys={"b": keys["b"]}) == b"scan" * 100
    with pytest.raises(file_crypto.FileKeyError, match="FILE_CIPHER 'des'"):
        file_crypto.encrypt(b"x", keys=keys, key_id="a", cipher="des")


def test_the_storage_seals_new_files_with_sm4_when_set_and_reads_both(master, private_files):
    aes_name = private_storage.save("attachments/old.jpg", ContentFile(jpeg_bytes()))
    master.FILE_CIPHER = "sm4-gcm"
    sm4_name = private_storage.save("attachments/new.jpg", ContentFile(jpeg_bytes()))
    assert private_storage.read_raw(aes_name).startswith(file_crypto.MAGIC)
    assert private_storage.read_raw(sm4_name).startswith(file_crypto.MAGIC_SM4)
    for name in (aes_name, sm4_name):
        with private_storage.open(name) as handle:
            assert handle.read() == jpeg_bytes()
        assert private_storage.size(name) == len(jpeg_bytes())


# --- The storage -----------------------------------------------------------------------------------

def test_stored_bytes_are_not_the_plain_file_and_read_back_whole(master, private_files):
    name = private_storage.save("attachments/scan.jpg", ContentFile(jpeg_bytes()))
    [path] = on_disk(private_files)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xff\xd8") and raw.startswith(file_crypto.MAGIC) and jpeg_bytes() not in raw
    with private_storage.open(name) as handle:
        assert handle.read() == jpeg_bytes()
    assert private_storage.size(name) == len(jpeg_bytes())


@pytest.mark.django_db
def test_a_scan_filed_at_the_counter_is_not_a_jpeg_on_disk_and_downloads_as_one(
        master, private_files, operator, station, request_item, officer, client):
    id_card = request_item.materials.get(name="身份证")
    filed = request_services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
        consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
        attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)], signature=png_bytes())
    scan = filed.attachments.get()
    raw = private_storage.read_raw(scan.file.name)
    assert raw[:2] != b"\xff\xd8" and raw.startswith(file_crypto.MAGIC)
    assert not private_storage.read_raw(filed.signature.name).startswith(b"\x89PNG")
    client.force_login(officer)
    response = client.get(reverse("gov_services:request-attachment", args=[scan.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == jpeg_bytes()


def test_a_file_stored_plain_before_encryption_stays_readable(master, private_files):
    (private_files / "old").mkdir(parents=True)
    (private_files / "old" / "licence.pdf").write_bytes(pdf_bytes())
    with private_storage.open("old/licence.pdf") as handle:
        assert handle.read() == pdf_bytes()


def test_a_wrong_master_key_in_the_settings_gives_a_clear_error(master, private_files):
    name = private_storage.save("seals/seal.png", ContentFile(png_bytes()))
    master.FILE_MASTER_KEYS = {"k1": os.urandom(32)}
    with pytest.raises(file_crypto.FileKeyError, match="'k1' in FILE_MASTER_KEYS is not the one"):
        private_storage.open(name)


# --- Rotation and the migration of plain files -----------------------------------------------------

def test_rotation_rewraps_every_file_encrypts_plain_ones_and_reports_progress(master, private_files, capsys):
    names = [private_storage.save(f"attachments/{n}.jpg", ContentFile(jpeg_bytes())) for n in range(3)]
    (private_files / "legacy.pdf").write_bytes(pdf_bytes())
    old_key = master.FILE_MASTER_KEYS["k1"]
    master.FILE_MASTER_KEYS = {"k2": base64.b64decode(key()), "k1": old_key}
    master.FILE_MASTER_KEY_ID = "k2"
    call_command("rotate_file_keys")
    out = capsys.readouterr().out
    assert "4 private files" in out and "100%" in out
    assert "rewrapped 3, encrypted (were plain) 1, already current 0, failed 0" in out
    for path in on_disk(private_files):
        assert file_crypto.read_header(path.read_bytes()).key_id == "k2"
    master.FILE_MASTER_KEYS = {"k2": master.FILE_MASTER_KEYS["k2"]}  # the old key may now go
    for name in names:
        with private_storage.open(name) as handle:
            assert handle.read() == jpeg_bytes()
    with private_storage.open("legacy.pdf") as handle:
        assert handle.read() == pdf_bytes()
    call_command("rotate_file_keys")
    assert "rewrapped 0, encrypted (were plain) 0, already current 4, failed 0" in capsys.readouterr().out


def test_rotation_without_the_old_key_fails_loudly_and_changes_nothing(master, private_files):
    private_storage.save("attachments/a.jpg", ContentFile(jpeg_bytes()))
    [path] = on_disk(private_files)
    before = path.read_bytes()
    master.FILE_MASTER_KEYS = {"k2": os.urandom(32)}
    master.FILE_MASTER_KEY_ID = "k2"
    with pytest.raises(CommandError, match="1 files could not be opened"):
        call_command("rotate_file_keys")
    assert path.read_bytes() == before


def test_dry_run_writes_nothing(master, private_files, capsys):
    (private_files).mkdir(parents=True, exist_ok=True)
    (private_files / "legacy.jpg").write_bytes(jpeg_bytes())
    call_command("rotate_file_keys", "--dry-run")
    assert "encrypted (were plain) 1" in capsys.readouterr().out
    assert (private_files / "legacy.jpg").read_bytes() == jpeg_bytes()
