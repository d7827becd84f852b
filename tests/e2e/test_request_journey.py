"""A request's whole life through the browser: filed at a village counter, handled by the department,
followed by the resident on the public tracking page."""


import pytest
from playwright.sync_api import expect

from gov_services.models import Attachment, ServiceRequest
from tests.e2e.helpers import act_on_request, assert_ok, path_of, sign_on_pad, sign_out
from tests.factories import RequiredMaterialFactory, ServiceItemFactory, png_bytes, valid_id_number

pytestmark = pytest.mark.e2e

APPLICANT_NAME = "张晓明"
APPLICANT_PHONE = "13800138000"
LIFECYCLE = ["accept", "start_review", "approve", "complete"]


@pytest.fixture
def household_certificate(department):
    """户籍证明 of the officer's department, accepted down to village stations: one required ID-card
    scan, no e-form, promised in 5 working days."""
    item = ServiceItemFactory(
        department=department,
        code="HJ-E2E-01",
        name="户籍证明",
        lowest_level="village",
        promised_limit_days=5,
        form_schema=[],
    )
    material = RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
    return item, material


@pytest.fixture
def scan_file(tmp_path):
    path = tmp_path / "id-card.png"
    path.write_bytes(png_bytes((200, 120)))
    return path


def test_an_operator_files_a_request_the_officer_completes_it_and_the_resident_tracks_and_rates_it(
    page, shot, sign_in, operator, officer, station, household_certificate, scan_file, private_files
):
    item, material = household_certificate
    id_number = valid_id_number(7)

    # --- The operator at the village counter -------------------------------------------------------
    sign_in(operator, step="01-operator-sign-in")
    assert path_of(page) == "/counter/", f"signed in, but landed on {page.url}"

    assert_ok(page.goto("/counter/requests/new/?q=hjzm"), "item search")
    result = page.locator(f"a[href$='/counter/requests/new/{item.pk}/']")
    expect(result).to_have_count(1)
    with page.expect_navigation():
        result.click()
    assert path_of(page) == f"/counter/requests/new/{item.pk}/"

    form = page.locator("form[enctype='multipart/form-data']:has(input[name='idempotency_key'])")
    form.locator("input[name='applicant_name']").fill(APPLICANT_NAME)
    form.locator("input[name='applicant_id_number']").fill(id_number)
    form.locator("input[name='applicant_phone']").fill(APPLICANT_PHONE)
    form.locator(f"input[type='file'][name='material-{material.pk}']").set_input_files(str(scan_file))
    form.locator("input[name='consent'][value='signature']").check()
    sign_on_pad(page)
    shot("02-application-filled")

    with page.expect_navigation() as landing:
        form.locator("button[type='submit']:not([formaction])").click()  # not "send the consent code"
    assert_ok(landing.value, "after submitting the application")
    errors = page.locator(".cz-error, #error-summary")
    assert errors.count() == 0, f"the application came back with errors: {errors.all_inner_texts()}"
    assert path_of(page).endswith("/receipt/"), f"no receipt after submitting: {page.url}"
    code = page.locator(".cz-receipt__code").inner_text().strip()
    assert code, "the receipt shows no tracking code"
    expect(page.locator(".cz-receipt")).to_contain_text(material.name)
    shot("03-receipt")
    sign_out(page)

    # --- The department's officer ------------------------------------------------------------------
    sign_in(officer, step="04-officer-sign-in")
    assert_ok(page.goto("/dept/"), "department queue")
    row_link = page.locator("a[href*='/dept/requests/']", has_text=code)
    expect(row_link).to_have_count(1)
    with page.expect_navigation():
        row_link.click()
    assert path_of(page).startswith("/dept/requests/")
    for action in LIFECYCLE:
        act_on_request(page, action)
    expect(page.locator("h1 .cz-rstatus--completed")).to_be_visible()
    shot("05-officer-completed")
    sign_out(page)

    # --- The resident, anonymous, on the tracking page ---------------------------------------------
    assert_ok(page.goto("/track/"), "tracking page")
    track = page.locator("form[action='/track/']:has(input[name='phone_last4'])")
    track.locator("input[name='code']").fill(code)
    track.locator("input[name='phone_last4']").fill(APPLICANT_PHONE[-4:])
    with page.expect_navigation() as landing:
        track.locator("[type='submit']").click()
    assert_ok(landing.value, "tracking result")
    status = page.locator(".cz-status-card .cz-rstatus--completed")
    expect(status).to_be_visible()
    expect(status).to_contain_text("办结")
    expect(page.locator(".cz-tracking-code")).to_have_text(code)
    steps = page.locator("ol.cz-timeline > li")
    assert steps.count() >= 1 + len(LIFECYCLE), f"the timeline shows {steps.count()} steps"
    assert APPLICANT_PHONE not in page.content() and id_number not in page.content()
    shot("06-tracked")

    # --- ... and rates it there, with no account -----------------------------------------------------
    rate = page.locator("form[action='/track/rate/']")
    rate.locator("input[name='rating-score'][value='5']").check()
    with page.expect_navigation():
        rate.locator("[type='submit']").click()
    expect(page.locator(".cz-status-card .cz-rstatus--rated")).to_be_visible()
    shot("07-rated")

    # --- What was written --------------------------------------------------------------------------
    assert ServiceRequest.objects.count() == 1
    request = ServiceRequest.objects.get()
    assert request.status == ServiceRequest.Status.RATED and request.rating.score == 5
    assert request.station_id == station.pk and request.item_id == item.pk
    assert request.applicant_id_number == id_number and request.applicant_phone == APPLICANT_PHONE
    events = list(request.events.order_by("at", "pk").values_list("action", flat=True))
    assert events == ["submit", "claim", *LIFECYCLE, "rate"]  # accepting a request nobody holds claims it first
    assert Attachment.objects.filter(request=request).count() == 1
    assert request.attachments.get().material_id == material.pk
    assert request.signature, "no signature file was stored"
    assert request.signature.storage.exists(request.signature.name)
