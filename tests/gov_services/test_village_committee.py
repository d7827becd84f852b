
"""Village committees as issuers (村委会证明): a committee is a department at village level with its own
seal; an item the catalogue marks as issued by the applicant's village committee goes to that committee,
which approves it and issues a certificate that names it under its seal."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from gov_services.certificates import services as cert_services
from gov_services.models import Department
from gov_services.requests import services as request_services
from gov_services.services import departments as department_services
from tests.factories import DepartmentMembershipFactory, ServiceItemFactory, UserFactory, valid_id_number
from tests.gov_services.certificate_helpers import pdf_text, seal_png, squash

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def committee(tree, county_admin):
    return department_services.department_create(code="CWH-01", name="东风村村民委员会", level="village",
                                                 region=tree["villages"][0], actor=county_admin)


@pytest.fixture
def cadre(committee):
    user = UserFactory(roles=[Role.OFFICER], full_name="张支书")
    DepartmentMembershipFactory(department=committee, user=user, is_head=True)
    return user


@pytest.fixture
def residence_item(department):
    """居住证明, in the county bureau's catalogue, issued by the applicant's village committee."""
    item = ServiceItemFactory(department=department, code="CWH-JZZM", name="居住证明", issues_certificate=True,
                              issued_by_village_committee=True, lowest_level="village", online_allowed=True,
                              form_schema=[])
    cert_services.certificate_type_save(
        item=item, actor=None, code="JZZM", title="居住证明", validity_days=None,
        body_html="<h1>{{ title }}</h1><p>兹证明{{ holder_name }}居住在{{ village }}。</p><p>{{ department }}</p>"
                  "{{ seal }}{{ qr }}", css="")
    return item


def _apply(item, village, resident):
    return request_services.service_request_submit(
        actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=item, applicant_name="王秀英",
        applicant_id_number=valid_id_number(1), applicant_phone="13812345678", applicant_user=resident,
        consent="self", channel="web", village=village, form_data={})


def test_a_county_admin_sets_up_a_village_committee_on_the_department_screen(client, county_admin, tree):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:setup-department-create"))
    assert 'value="village"' in page.content.decode()
    response = client.post(reverse("gov_services:setup-department-create"), {
        "code": "CWH-02", "name": "东风村村民委员会", "level": "village", "region": tree["villages"][0].pk,
        "phone": ""})
    assert response.status_code == 302
    committee = Department.objects.get(code="CWH-02")
    assert committee.level == Department.Level.VILLAGE and committee.region == tree["villages"][0]


def test_a_committee_serves_a_village_not_a_township(tree, county_admin):
    with pytest.raises(ValidationError) as refused:
        department_services.department_create(code="CWH-03", name="错村委会", level="village",
                                              region=tree["townships"][0], actor=county_admin)
    assert "region" in refused.value.message_dict


def test_the_catalogue_form_offers_issuing_by_the_village_committee(client, county_admin, residence_item):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:service-item-update", args=[residence_item.pk]))
    assert 'name="issued_by_village_committee"' in page.content.decode()
    detail = client.get(reverse("gov_services:service-item-detail", args=[residence_item.pk]))
    assert "村委会证明" in detail.content.decode()


def test_the_application_goes_to_the_committee_of_the_applicants_village(residence_item, committee, resident,
                                                                          tree):
    request = _apply(residence_item, tree["villages"][0], resident)
    assert request.department == committee


def test_a_village_without_a_committee_is_told_so_and_nothing_is_filed(residence_item, committee, resident, tree):
    from gov_services.models import ServiceRequest

    with pytest.raises(ValidationError) as refused:
        _apply(residence_item, tree["villages"][1], resident)
    assert "村委会" in " ".join(refused.value.message_dict["village"])
    assert not ServiceRequest.objects.exists()


def test_the_committee_approves_and_its_certificate_names_it_under_its_seal(
        residence_item, committee, cadre, resident, tree, django_capture_on_commit_callbacks):
    cert_services.department_seal_upload(department=committee, content=seal_png(), actor=None)
    request = _apply(residence_item, tree["villages"][0], resident)
    request_services.service_request_accept(request=request, actor=cadre)
    request_services.service_request_start_review(request=request, actor=cadre)
    request_services.service_request_approve(request=request, actor=cadre, note="情况属实")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = cert_services.certificate_issue(request=request, actor=cadre)
    certificate.refresh_from_db()
    assert certificate.department == committee and certificate.fields["department"] == "东风村村民委员会"
    assert certificate.layout["seal_sha256"] == committee.seal.sha256
    assert certificate.county == tree["county"]
    with certificate.pdf.open("rb") as handle:
        assert "东风村村民委员会" in squash(pdf_text(handle.read()))


def test_the_county_sets_up_the_committees_seal_on_the_certificates_screen(client, county_admin, committee):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:certificate-type-list"))
    assert reverse("gov_services:certificate-department", args=[committee.pk]) in page.content.decode()
