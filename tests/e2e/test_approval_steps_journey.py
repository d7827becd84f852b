"""Approval in steps through the browser, at desktop width and on a 375 px phone: an item with three
steps where the reviewer may not approve; officer A accepts and reviews, is refused when trying to
approve, the head assigns officer B, and B approves with a note and a ticked confirmation. B then issues
the certificate: it names B, its QR token verifies with B's own key on the public check page, and its PDF is
signed with B's certificate from the county's CA; the applicant's scan on disk is not a JPEG (encrypted at
rest)."""

import io
import uuid

import pytest
from PIL import Image, UnidentifiedImageError
from playwright.sync_api import expect
from pyhanko.pdf_utils.reader import PdfFileReader

from accounts.roles import Role
from gov_services.certificates import services as certificate_services
from gov_services.certificates import tokens
from gov_services.models import Certificate, ItemStep, RequestStep, ServiceRequest
from gov_services.requests import services as services
from tests.e2e.helpers import assert_ok, sign_out
from tests.factories import (
    DepartmentMembershipFactory,
    RequiredMaterialFactory,
    ServiceItemFactory,
    UserFactory,
    jpeg_bytes,
    png_bytes,
    upload,
    valid_id_number,
)
from tests.gov_services.certificate_helpers import seal_png

pytestmark = pytest.mark.e2e

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}


@pytest.fixture
def three_step_item(department):
    item = ServiceItemFactory(department=department, code="DB-E2E-01", name="最低生活保障申请",
                              lowest_level="village", legal_limit_days=20, promised_limit_days=5, form_schema=[],
                              issues_certificate=True)
    certificate_services.certificate_type_save(
        item=item, actor=None, code="DBZM", title="最低生活保障证明", validity_days=None,
        body_html="<h1>{{ title }}</h1><p>{{ serial }} {{ holder_name }}</p><p>{{ department }}</p>{{ seal }}{{ qr }}",
        css="")
    item.certificate_type.personal_seal_required = True
    item.certificate_type.save(update_fields=["personal_seal_required"])
    ItemStep.objects.create(item=item, position=10, kind="accept", limit_days=1)
    ItemStep.objects.create(item=item, position=20, kind="review", limit_days=3)
    ItemStep.objects.create(item=item, position=30, kind="approve", limit_days=2, separate_from=["review"])
    RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
    return item


def _act(page, action: str, *, note: str = "", confirm: bool = False):
    entry = page.locator(f"details#action-{action}")
    expect(entry, f"the action panel does not offer {action!r}").to_have_count(1)
    if entry.get_attribute("open") is None:
        entry.locator("summary").click()
    form = entry.locator(f"form:has(input[name='action'][value='{action}'])")
    if note:
        form.locator("textarea[name='note']").fill(note)
    if confirm:
        form.locator("input[name='confirm']").check()
    with page.expect_navigation() as landing:
        form.locator("button[type='submit']").click()
    assert_ok(landing.value, f"after {action}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_reviewer_may_not_approve_the_head_assigns_another_officer_who_approves_with_confirmation(
    page, shot, sign_in, size, operator, station, department, three_step_item, private_files, tree
):
    page.set_viewport_size(SIZES[size])
    officer_a = UserFactory(roles=[Role.OFFICER], full_name="赵审查")
    officer_b = UserFactory(roles=[Role.OFFICER], full_name="钱审批")
    head = UserFactory(roles=[Role.OFFICER], full_name="孙科长")
    for user, is_head in ((officer_a, False), (officer_b, False), (head, True)):
        DepartmentMembershipFactory(department=department, user=user, is_head=is_head)
    # The county's demo CA, the department's seal, and B's own key and personal seal (the head's screens at
    # /certificates/officials/ have journeys of their own).
    certificate_services.county_signer_create_demo(county=tree["county"], actor=None)
    certificate_services.department_seal_upload(department=department, content=seal_png(), actor=None)
    key_b = certificate_services.official_key_issue(department=department, official=officer_b, actor=head)
    certificate_services.official_seal_upload(department=department, official=officer_b, content=seal_png(),
                                              actor=head)
    id_card = three_step_item.materials.get()
    filed = services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=three_step_item,
        applicant_name="周桂兰", applicant_id_number=valid_id_number(3), applicant_phone="13812345678",
        consent="signature", channel="counter", station=station, form_data={},
        attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)], signature=png_bytes())
    detail = f"/dept/requests/{filed.pk}/"

    # --- Officer A finds it in the queue by the ID number's last digits, accepts it and reviews it ---------
    sign_in(officer_a, step="01-officer-a-sign-in")
    assert_ok(page.goto(f"/dept/?bucket=all&q={filed.applicant_id_number[-6:]}"), "queue search")
    row = page.locator(f"a[href='{detail}']")
    expect(row).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(filed.applicant_id_number)  # masked in the list
    shot("02-queue-searched-by-id")
    assert_ok(page.goto(detail), "request page")
    expect(page.locator("#steps-title")).to_have_text("办理环节与时限")
    expect(page.locator("tr[data-step='accept']")).to_contain_text("无人经办")
    # The scan is a thumbnail opening the viewer, not a link to a new tab.
    thumb = page.locator("a[data-scan]").first
    thumb.click()
    viewer = page.locator("dialog[data-scan-viewer]")
    expect(viewer).to_be_visible()
    viewer.locator("[data-scan-action='rotate']").click()
    viewer.locator("[data-scan-action='zoom-in']").click()
    assert "rotate(90deg)" in viewer.locator("img[data-scan-image]").get_attribute("style")
    shot("03-scan-viewer")
    viewer.locator("[data-scan-action='close']").click()

    _act(page, "accept")
    expect(page.locator("tr[data-step='accept']")).to_contain_text("赵审查")
    expect(page.locator("tr[data-step='review']")).to_contain_text("赵审查")  # A holds the running step
    _act(page, "start_review", note="材料齐全，家庭收入低于标准")
    shot("04-reviewed-by-a")

    # --- A may not approve what A reviewed ---------------------------------------------------------------
    expect(page.locator("#step-refusal")).to_contain_text("本事项要求“审批”环节由其他人办理")
    _act(page, "approve", note="同意", confirm=True)
    expect(page.locator(".cz-messages, [role='alert'], .cz-alert").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("您已办理该申请的“审查”环节")
    filed.refresh_from_db()
    assert filed.status == ServiceRequest.Status.UNDER_REVIEW
    shot("05-a-refused-approval")
    sign_out(page)

    # --- The head sees the workload and assigns B ---------------------------------------------------------
    sign_in(head, step="06-head-sign-in")
    assert_ok(page.goto("/dept/?bucket=all"), "head's queue")
    expect(page.locator(".cz-workload")).to_contain_text("赵审查")
    shot("07-head-workload")
    assert_ok(page.goto(detail), "request page for the head")
    entry = page.locator("details#action-transfer")
    entry.locator("summary").click()
    form = entry.locator("form")
    form.locator("select[name='assignee']").select_option(str(officer_b.pk))
    form.locator("textarea[name='note']").fill("审查与审批须分人办理")
    with page.expect_navigation() as landing:
        form.locator("button[type='submit']").click()
    assert_ok(landing.value, "after the hand-over")
    filed.refresh_from_db()
    assert filed.assignee_id == officer_b.pk
    sign_out(page)

    # --- B approves, with a note and the confirmation ---------------------------------------------------
    sign_in(officer_b, step="08-officer-b-sign-in")
    assert_ok(page.goto(detail), "request page for B")
    expect(page.locator("tr[data-step='approve']")).to_contain_text("钱审批")
    entry = page.locator("details#action-approve")
    if entry.get_attribute("open") is None:
        entry.locator("summary").click()
    form = entry.locator("form")
    form.locator("textarea[name='note']").fill("经审查符合条件，同意")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()  # not confirmed yet: nothing is done
    expect(page.locator(".cz-error-summary")).to_contain_text("请勾选以确认此决定")
    filed.refresh_from_db()
    assert filed.status == ServiceRequest.Status.UNDER_REVIEW
    shot("09-b-asked-to-confirm")
    _act(page, "approve", note="经审查符合条件，同意", confirm=True)
    filed.refresh_from_db()
    assert filed.status == ServiceRequest.Status.APPROVED
    steps = {s.kind: s for s in RequestStep.objects.filter(request=filed)}
    assert (steps["accept"].done_by, steps["review"].done_by, steps["approve"].done_by) == (
        officer_a, officer_a, officer_b)
    expect(page.locator("tr[data-step='approve']")).to_contain_text("钱审批")
    shot("10-approved-by-b")

    # --- B issues the certificate: it names B and verifies with B's own key --------------------------------
    panel = page.locator("section[aria-labelledby='certificate-title']")
    with page.expect_navigation() as landing:
        panel.locator("button[type='submit']").click()
    assert_ok(landing.value, "after issuing the certificate")
    certificate = Certificate.objects.get(request=filed)
    assert (certificate.signed_by, certificate.signing_key) == (officer_b, key_b)
    expect(page.locator("main")).to_contain_text(key_b.key_id)
    shot("11-certificate-issued-by-b")
    assert tokens.verify_token(certificate.token,
                               public_key_for={key_b.key_id: tokens.b64url_decode(key_b.public_key)}.get).ok
    assert_ok(page.goto(f"/verify/{certificate.token}"), "the public check page")
    expect(page.locator("#verify-valid")).to_be_visible()
    expect(page.locator("main")).to_contain_text("钱审批")
    shot("12-verified-with-b-key")
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        [signature] = PdfFileReader(io.BytesIO(handle.read())).embedded_signatures
    assert "钱审批" in signature.signer_cert.subject.human_friendly

    # --- The applicant's scan is stored encrypted: the file on disk is not a JPEG ------------------------
    stored = (private_files / filed.attachments.get().file.name).read_bytes()
    assert not stored.startswith(b"\xff\xd8") and jpeg_bytes() not in stored
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(stored))
