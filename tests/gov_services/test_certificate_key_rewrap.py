"""`manage.py certificate_keys_rewrap`: after SECRET_KEY changes, the stored keys open again."""

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from gov_services.certificates import services
from gov_services.models import CountySigningCertificate, SigningKey

pytestmark = pytest.mark.django_db

OLD, NEW = "the-old-secret-key-" + "x" * 40, "the-new-secret-key-" + "y" * 40


@pytest.fixture
def keys_under_old_secret(settings, department, tree):
    settings.SECRET_KEY, settings.CERTIFICATE_KEY_PASSPHRASE = OLD, ""
    key = services.active_signing_key(department=department)
    signer = services.county_signer_create_demo(county=tree["county"], actor=None)
    settings.SECRET_KEY = NEW
    services.setup.forget_opened_keys()
    return key, signer


def _opens(key: SigningKey) -> bool:
    services.setup.forget_opened_keys()
    try:
        services.setup.private_key_of(key)
    except ValueError:
        return False
    return True


def test_keys_sealed_with_the_old_secret_open_again_after_the_rewrap(keys_under_old_secret, monkeypatch):
    key, signer = keys_under_old_secret
    assert not _opens(key)
    monkeypatch.setenv("OLD_SECRET", OLD)

    call_command("certificate_keys_rewrap", "--old-secret-env", "OLD_SECRET")

    key.refresh_from_db()
    signer.refresh_from_db()
    assert _opens(key)
    from gov_services.certificates import pki
    pki.check_signer(certificate_pem=signer.certificate_pem, private_key_pem=signer.private_key_pem,
                     passphrase=services.key_passphrase())
    assert set(AuditEvent.objects.filter(action="certificate_key.rewrap").values_list("target_repr", flat=True)) \
        == {str(key), str(signer)}


def test_a_second_run_changes_nothing(keys_under_old_secret, monkeypatch):
    monkeypatch.setenv("OLD_SECRET", OLD)
    call_command("certificate_keys_rewrap", "--old-secret-env", "OLD_SECRET")
    sealed = list(SigningKey.objects.values_list("private_key_pem", flat=True))

    assert services.certificate_keys_rewrap(old_secret=OLD) == {"signing_keys": 0, "county_signers": 0,
                                                                     "county_cas": 0}
    assert list(SigningKey.objects.values_list("private_key_pem", flat=True)) == sealed


def test_a_wrong_old_secret_changes_nothing(keys_under_old_secret, monkeypatch):
    before = (list(SigningKey.objects.values_list("private_key_pem", flat=True)),
              list(CountySigningCertificate.objects.values_list("private_key_pem", flat=True)))
    monkeypatch.setenv("OLD_SECRET", "not-the-old-secret")

    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("certificate_keys_rewrap", "--old-secret-env", "OLD_SECRET")

    assert (list(SigningKey.objects.values_list("private_key_pem", flat=True)),
            list(CountySigningCertificate.objects.values_list("private_key_pem", flat=True))) == before
    assert not AuditEvent.objects.filter(action="certificate_key.rewrap").exists()


def test_an_unset_variable_is_refused(monkeypatch):
    monkeypatch.delenv("OLD_SECRET", raising=False)
    with pytest.raises(CommandError, match="OLD_SECRET"):
        call_command("certificate_keys_rewrap", "--old-secret-env", "OLD_SECRET")
