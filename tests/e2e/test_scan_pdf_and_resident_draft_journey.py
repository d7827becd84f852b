"""Through the browser (desktop and a 375 px phone): an officer pages through a three-page PDF scan in the scan
viewer (pages drawn on the server); a resident mistypes their ID number after choosing a photo, sees the photo
kept, reloads, saves the draft, resumes it from "my requests" and sends it without choosing the photo again."""

import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.roles import Role
from gov_services.models import ApplicationDraft, ServiceRequest
from gov_services.requests import services as services
from tests.e2e.helpers import VIEWPORTS, assert_ok
from tests.factories import ServiceItemFactory, UserFactory, pdf_bytes, upload, valid_id_number

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_officer_pages_through_a_pdf_scan_in_the_viewer(page, shot, sign_in, operator, station, department,
                                                           officer, private_files, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    item = ServiceItemFactory(department=department, lowest_level="village", form_schema=[])
    filed = services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=item, applicant_name="周桂兰",
        applicant_id_number=valid_id_number(3), applicant_phone="13812345678", consent="witnessed",
        channel="counter", station=station, form_data={},
        attachments=[upload("户口簿.pdf", pdf_bytes(3), content_type="application/pdf")])
    sign_in(officer, step=f"01-{viewport}-sign-in")
    assert_ok(page.goto(f"/dept/requests/{filed.pk}/"), "the request page")
    thumb = page.locator("a[data-scan-pages='3']")
    thumb.scroll_into_view_if_needed()  # the thumbnail loads lazily
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.locator("img").element_handle())
    thumb.click()
    viewer = page.locator("dialog[data-scan-viewer]")
    expect(viewer).to_be_visible()
    expect(viewer.locator("[data-scan-caption]")).to_contain_text("第 1 页，共 3 页")
    viewer.locator("[data-scan-action='next']").click()
    expect(viewer.locator("[data-scan-caption]")).to_contain_text("第 2 页，共 3 页")
    image = viewer.locator("[data-scan-image]")
    expect(image).to_have_attribute("src", f"/dept/attachments/{filed.attachments.get().pk}/pages/?page=2")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    viewer.locator("[data-scan-action='rotate']").click()
    viewer.locator("[data-scan-action='zoom-in']").click()
    shot(f"02-{viewport}-pdf-page-2-in-the-viewer")
    viewer.locator("[data-scan-action='close']").click()
    expect(viewer).to_be_hidden()


@pytest.fixture
def photo(tmp_path):
    image = Image.new("RGB", (320, 200), (90, 160, 100))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path = tmp_path / "身份证.jpg"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_resident_keeps_their_online_application_across_a_typo_a_reload_and_a_later_visit(
        page, shot, sign_in, request_item, tree, private_files, photo, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    resident = UserFactory(roles=[Role.RESIDENT], username="13935001234", phone="13935001234", full_name="张小明")
    good_id = valid_id_number(21)
    typo = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    id_card = request_item.materials.get(name="身份证")
    sign_in(resident, step=f"01-{viewport}-sign-in")
    assert_ok(page.goto(f"/services/{request_item.code}/apply/"), "the online application")
    form = page.locator("form.cz-resident-form")
    form.locator("input[name='applicant_id_number']").fill(typo)
    form.locator("select[name='village']").select_option(str(tree["villages"][0].pk))
    form.locator("input[name='eform-purpose']").fill("办理社保")
    form.locator(f"input[name='material_{id_card.pk}']").set_input_files(str(photo))
    form.locator("input[name='declaration']").check()
    with page.expect_navigation():
        form.locator("button[type='submit']:not([name])").click()
    expect(page.locator("#id_applicant_id_number_error")).to_be_visible()
    kept = page.locator("[data-kept-scan] img")
    expect(kept).to_have_count(1)
    assert kept.evaluate("img => img.complete && img.naturalWidth > 0"), "the kept photo's thumbnail did not load"
    shot(f"02-{viewport}-typo-with-the-photo-kept")

    # Opened again (a GET, as after closing the tab): the draft comes back.
    assert_ok(page.goto(f"/services/{request_item.code}/apply/"), "the online application again")
    expect(page.locator("[data-resident-draft-note]")).to_be_visible()
    form = page.locator("form.cz-resident-form")
    expect(form.locator("input[name='eform-purpose']")).to_have_value("办理社保")
    expect(page.locator("[data-kept-scan]")).to_have_count(1)
    with page.expect_navigation():
        form.locator("button[name='save_draft']").click()
    assert page.url.endswith("/me/requests/")
    draft_card = page.locator("[data-resident-draft]")
    expect(draft_card).to_contain_text(request_item.name)
    shot(f"03-{viewport}-draft-in-my-requests")

    with page.expect_navigation():
        draft_card.locator("a").click()
    form = page.locator("form.cz-resident-form")
    form.locator("input[name='applicant_id_number']").fill(good_id)
    form.locator("input[name='declaration']").check()
    with page.expect_navigation():
        form.locator("button[type='submit']:not([name])").click()
    assert "/me/requests/" in page.url and ServiceRequest.objects.count() == 1
    filed = ServiceRequest.objects.get()
    assert filed.attachments.get().material == id_card and filed.applicant_id_number == good_id
    assert ApplicationDraft.objects.get().filed_request == filed
    shot(f"04-{viewport}-sent")
