"""The demo seeding of certificates (demo/seeding/certificates.py): complete and idempotent."""

from types import SimpleNamespace

import pytest

from demo.seeding.certificates import RESIDENT, seal_image, seed_certificates
from gov_services.models import (
    Certificate,
    CertificateType,
    CountySigningCertificate,
    DepartmentSeal,
    SigningKey,
)
from tests.factories import DepartmentMembershipFactory, ServiceItemFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


class _Progress:
    def step(self, label, n=1):
        pass


def test_seeding_twice_sets_up_the_county_once_and_fills_the_residents_wallet(
        tree, station, department, django_capture_on_commit_callbacks):
    item = ServiceItemFactory(department=department, code="LT-GAJ-01", name="户籍证明", issues_certificate=True,
                              online_allowed=True, lowest_level="village",
                              form_schema=[{"name": "purpose", "type": "choice", "label": "用途", "required": True,
                                            "choices": [["job", "就业"]]},
                                           {"name": "contact_phone", "type": "phone", "label": "联系电话",
                                            "required": True}])
    DepartmentMembershipFactory(department=department, user=UserFactory(), is_head=True)
    demo = SimpleNamespace(county=tree["county"], stations=[station])
    with django_capture_on_commit_callbacks(execute=True):
        seed_certificates(demo, _Progress())
    counts = [m.objects.count() for m in (Certificate, CertificateType, CountySigningCertificate, DepartmentSeal,
                                          SigningKey)]
    seed_certificates(demo, _Progress())
    assert [m.objects.count() for m in (Certificate, CertificateType, CountySigningCertificate, DepartmentSeal,
                                        SigningKey)] == counts
    certificate = Certificate.objects.get(holder_user__username=RESIDENT[0])
    assert certificate.certificate_type.item == item and certificate.pdf_status == "ready" and certificate.pdf_signed


def test_the_demo_seal_is_a_png_with_transparency():
    content = seal_image("县公安局")
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
