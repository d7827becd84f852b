"""Forms that never lose work, through the browser (desktop and a 375 px phone): the operator attaches four
scans, mistypes the ID number, submits, sees the error with the four scans still attached as thumbnails,
fixes the number and files without re-attaching; then a reload in the middle of a new form brings the
typed fields back with the note "草稿已恢复" and a discard button."""

import pytest
from playwright.sync_api import expect

from gov_services.models import ApplicationDraft, ServiceRequest
from tests.e2e.helpers import VIEWPORTS, assert_ok, path_of, sign_on_pad
from tests.factories import RequiredMaterialFactory, ServiceItemFactory, pdf_bytes, valid_id_number

pytestmark = pytest.mark.e2e

NAME, PHONE = "刘桂兰", "13912345678"
SCHEMA = [
    {"name": "purpose", "type": "text", "label": "用途", "required": True},
    {"name": "sfzh", "type": "id_number", "label": "申请人身份证号", "required": True, "bind": "applicant_id_number"},
    {"name": "lxdh", "type": "phone", "label": "联系电话", "required": True, "bind": "applicant_phone"},
]


@pytest.fixture
def low_income_item(department):
    """低保申请 with two required materials (ID card front and back, household register) and an e-form whose
    ID number and phone are bound to the applicant."""
    item = ServiceItemFactory(department=department, code="MZ-E2E-01", name="最低生活保障申请",
                              lowest_level="village", promised_limit_days=10, form_schema=SCHEMA)
    id_card = RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
    booklet = RequiredMaterialFactory(item=item, name="户口簿", form="scan", required=True, position=2)
    return item, id_card, booklet


@pytest.fixture
def scans(tmp_path):
    """Three coloured PNG "scans" and a one-page PDF."""
    import io

    from PIL import Image, ImageDraw

    files = []
    for n, colour in enumerate([(214, 90, 80), (90, 160, 100), (80, 110, 200)]):
        image = Image.new("RGB", (320, 200), (250, 248, 240))
        ImageDraw.Draw(image).rectangle((20, 20, 300, 180), outline=colour, width=8, fill=colour)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        path = tmp_path / f"scan-{n + 1}.png"
        path.write_bytes(buffer.getvalue())
        files.append(path)
    pdf = tmp_path / "户口簿-第2页.pdf"
    pdf.write_bytes(pdf_bytes())
    files.append(pdf)
    return files


def _form(page):
    return page.locator("form[data-application-draft]")


def _submit(page):
    with page.expect_navigation() as landing:
        _form(page).locator("button[type='submit']:not([formaction]):not([name])").click()
    assert_ok(landing.value, "after submitting the application")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_typo_after_four_scans_is_fixed_without_reattaching_and_a_reload_restores_the_draft(
        page, shot, sign_in, operator, station, low_income_item, scans, private_files, viewport):
    item, id_card, booklet = low_income_item
    page.set_viewport_size(VIEWPORTS[viewport])
    good_id = valid_id_number(11)
    typo = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    sign_in(operator, step=f"01-{viewport}-sign-in")

    assert_ok(page.goto(f"/counter/requests/new/{item.pk}/"), "the application form")
    form = _form(page)
    # The file inputs hide behind a Chinese label-button: no English "Choose File" anywhere.
    expect(form.locator(f"label.cz-file-button[for='id_material-{id_card.pk}']")).to_have_text("选择文件")
    assert "Choose File" not in page.inner_text("main")
    form.locator("input[name='applicant_name']").fill(NAME)
    form.locator("input[name='applicant_id_number']").fill(typo)
    form.locator("input[name='applicant_phone']").fill(PHONE)
    # Fields filled once are not asked twice: the bound e-form fields mirror the applicant's as typed.
    expect(form.locator("input[name='eform-sfzh']")).to_have_value(typo)
    expect(form.locator("input[name='eform-lxdh']")).to_have_value(PHONE)
    form.locator("input[name='eform-purpose']").fill("家庭困难")
    form.locator(f"input[name='material-{id_card.pk}']").set_input_files([str(scans[0]), str(scans[1])])
    form.locator(f"input[name='material-{booklet.pk}']").set_input_files([str(scans[2]), str(scans[3])])
    expect(page.locator(f"#id_material-{id_card.pk}_names")).to_contain_text("scan-1.png")
    form.locator("input[name='consent'][value='signature']").check()
    sign_on_pad(page)
    shot(f"02-{viewport}-four-scans-and-a-typo")

    _submit(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_applicant_id_number_error")).to_be_visible()
    thumbs = page.locator("[data-kept-scan]")
    expect(thumbs).to_have_count(4)
    expect(page.locator("img.cz-kept-scan__thumb")).to_have_count(3)
    for image in page.locator("img.cz-kept-scan__thumb").all():  # the thumbnails really load
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "a thumbnail did not load"
    expect(page.locator(".cz-signature-kept img")).to_be_visible()
    assert ServiceRequest.objects.count() == 0
    shot(f"03-{viewport}-error-with-scans-kept")

    # Fix the typo only: nothing is attached or signed again.
    form = _form(page)
    form.locator("input[name='applicant_id_number']").fill(good_id)
    expect(form.locator("input[name='eform-sfzh']")).to_have_value(good_id)
    _submit(page)
    assert path_of(page).endswith("/receipt/"), f"no receipt after the fix: {page.url}"
    shot(f"04-{viewport}-filed")
    filed = ServiceRequest.objects.get()
    assert filed.attachments.count() == 4 and filed.signature
    assert filed.form_data["sfzh"] == good_id and filed.form_data["lxdh"] == PHONE
    assert ApplicationDraft.objects.get().filed_request == filed

    # --- A reload in the middle of a new form -----------------------------------------------------------------
    assert_ok(page.goto(f"/counter/requests/new/{item.pk}/"), "a new application form")
    expect(page.locator("[data-draft-local-note]")).to_be_hidden()  # the filed one is not brought back
    expect(_form(page).locator("input[name='applicant_name']")).to_have_value("")
    form = _form(page)
    key = form.locator("input[name='idempotency_key']").input_value()
    form.locator("input[name='applicant_name']").fill("赵春燕")
    form.locator("input[name='applicant_phone']").fill("13700001111")
    form.locator("input[name='eform-purpose']").fill("重新申请")
    page.wait_for_timeout(400)  # the copy is written a moment after typing stops
    assert_ok(page.reload(), "the form reloaded")
    note = page.locator("[data-draft-local-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("草稿已恢复")
    form = _form(page)
    expect(form.locator("input[name='applicant_name']")).to_have_value("赵春燕")
    expect(form.locator("input[name='eform-purpose']")).to_have_value("重新申请")
    expect(form.locator("input[name='eform-lxdh']")).to_have_value("13700001111")
    assert form.locator("input[name='idempotency_key']").input_value() == key  # still the same form
    shot(f"05-{viewport}-draft-restored")

    note.locator("[data-draft-local-discard]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-draft-local-note]")).to_be_hidden()
    expect(_form(page).locator("input[name='applicant_name']")).to_have_value("")
    shot(f"06-{viewport}-discarded")
