
"""Setting up certificates (gov_services/certificates/services): layouts, department seals, who may set them up,
and the county's demo signing certificate."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gov_services.certificates import services
from gov_services.models import CertificateType, CountySigningCertificate
from tests.factories import jpeg_bytes, staff_user
from tests.gov_services.certificate_helpers import seal_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# --- Layouts and set-up -------------------------------------------------------------------------

def test_a_layout_with_unknown_placeholders_or_scripts_is_refused_and_nothing_is_saved(cert_item):
    ctype = CertificateType.objects.get(item=cert_item)
    with pytest.raises(ValidationError) as error:
        services.certificate_type_save(item=cert_item, actor=None, code="HJZM", title="改", css="",
                                       body_html="{{ nope }}<script>x()</script>{{ seal }}")
    problems = " ".join(error.value.message_dict["body_html"])
    assert "nope" in problems and "script" in problems and "qr" in problems
    ctype.refresh_from_db()
    assert ctype.title == "户籍证明"


def test_only_items_that_end_in_a_certificate_get_a_layout(department):
    from tests.factories import ServiceItemFactory

    item = ServiceItemFactory(department=department, issues_certificate=False)
    with pytest.raises(ValidationError):
        services.certificate_type_save(item=item, actor=None, code="X", title="X", body_html="{{ seal }}{{ qr }}")


def test_a_seal_must_be_a_real_image(department):
    with pytest.raises(ValidationError):
        services.department_seal_upload(department=department, content=b"not an image", actor=None)
    with pytest.raises(ValidationError):
        services.department_seal_upload(department=department, content=seal_png(size=40), actor=None)
    seal = services.department_seal_upload(department=department, content=jpeg_bytes((300, 300)), actor=None)
    assert seal.image.name.endswith(".jpg")


def test_an_officer_cannot_upload_a_seal_or_rotate_keys(department, officer):
    with pytest.raises(PermissionDenied):
        services.department_seal_upload(department=department, content=seal_png(), actor=officer)
    with pytest.raises(PermissionDenied):
        services.signing_key_rotate(department=department, actor=officer)


def test_a_county_admin_of_another_county_cannot_set_up_this_department(department):
    from accounts.roles import Role
    from tests.factories import county_tree

    stranger = staff_user(Role.COUNTY_ADMIN, region=county_tree()["county"])
    with pytest.raises(PermissionDenied):
        services.department_seal_upload(department=department, content=seal_png(), actor=stranger)


def test_the_demo_signer_is_replaced_not_duplicated(tree):
    first = services.county_signer_create_demo(county=tree["county"], actor=None)
    second = services.county_signer_create_demo(county=tree["county"], actor=None)
    first.refresh_from_db()
    assert first.retired_at is not None and second.retired_at is None
    assert CountySigningCertificate.objects.filter(retired_at__isnull=True).count() == 1

