"""A merchant's product import: every row checked, nothing saved on a bad file, re-import changes nothing,
the caps, and the page that runs it in the background."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from core.models import AuditEvent, ImportJob
from shop import product_io
from shop.services.catalogue import product_import
from tests.shop import factories
from tests.spreadsheet_files import xlsx_bytes, xlsx_with_sheet, zip_bomb_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]
StockRecord = get_model("partner", "StockRecord")

HEADER = "商品编码,商品名称,分类,价格(元),库存,描述\n"


@pytest.fixture(autouse=True)
def _uploads(private_files):
    """Uploaded files are stored in a temporary private folder until their job is done."""


@pytest.fixture
def categories(db):
    create_from_breadcrumbs("农产品 > 禽蛋")
    create_from_breadcrumbs("日用百货 > 粮油调味")
    create_from_breadcrumbs("农产品 > 粮油调味")  # the same leaf name twice: needs the full path


def do_import(user, data, filename="goods.csv", progress=None):
    return product_import(user=user, file=io.BytesIO(data), filename=filename, progress=progress)


def test_a_clean_csv_creates_and_then_updates_the_merchants_products(merchant_a_user, merchant_a, categories):
    data = (HEADER + "EGG-1,土鸡蛋（30枚）,禽蛋,36.00,80,散养\nOIL-1,花生油,日用百货 > 粮油调味,69.9,10,\n").encode()
    report = do_import(merchant_a_user, data)
    assert report.ok and report.created_codes == ["EGG-1", "OIL-1"]
    again = do_import(merchant_a_user, (HEADER + "EGG-1,土鸡蛋（30枚）,禽蛋,38.00,5,\n").encode())
    assert again.updated_codes == ["EGG-1"] and (again.created, again.updated, again.unchanged) == (0, 1, 0)
    record = StockRecord.objects.get(partner=merchant_a.partner, partner_sku="EGG-1")
    assert str(record.price) == "38.00" and record.num_in_stock == 5
    assert record.product.description == "散养"  # an empty description cell keeps the current one


def test_importing_the_same_file_again_changes_nothing_and_leaves_no_trace(merchant_a_user, merchant_a, categories):
    data = (HEADER + "EGG-1,土鸡蛋,禽蛋,36.00,80,散养\nOIL-1,花生油,日用百货 > 粮油调味,69.9,10,\n").encode()
    do_import(merchant_a_user, data)
    records = {sr.pk: (sr.date_updated, sr.product.date_updated) for sr in StockRecord.objects.select_related("product")}
    events = AuditEvent.objects.count()
    again = do_import(merchant_a_user, data)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert {sr.pk: (sr.date_updated, sr.product.date_updated)
            for sr in StockRecord.objects.select_related("product")} == records
    assert AuditEvent.objects.count() == events


def test_one_bad_row_imports_nothing_and_every_problem_has_its_line_and_column(merchant_a_user, categories):
    data = (HEADER + "A-1,好蛋,禽蛋,12.00,5,\n"
                     "A-2,,禽蛋,-3,x,\n"          # line 3: no title, bad price, bad stock
                     "A-1,重复,禽蛋,1.00,1,\n"    # line 4: same code as line 2
                     "A-3,油,粮油调味,9.00,1,\n"  # line 5: ambiguous category
                     "A-4,茶,茶叶,9.00,1,\n"      # line 6: unknown category
                     "1.30225E+17,蛋,禽蛋,9.00,1,\n").encode()  # line 7: a code Excel cut short
    report = do_import(merchant_a_user, data)
    assert not report.ok
    found = {(p.line, p.column) for p in report.problems}
    assert found == {(3, "商品名称"), (3, "价格(元)"), (3, "库存"), (4, "商品编码"), (5, "分类"), (6, "分类"),
                     (7, "商品编码")}
    assert not StockRecord.objects.exists()


def test_gbk_csv_from_chinese_excel_is_read(merchant_a_user, categories):
    data = (HEADER + "G-1,小米,禽蛋,8.50,3,\n").encode("gb18030")
    assert do_import(merchant_a_user, data).created_codes == ["G-1"]


def test_xlsx_with_english_headers_numeric_cells_and_a_leading_zero_code_is_read(merchant_a_user, categories):
    data = xlsx_bytes([[1001, "鸭蛋", "农产品 > 禽蛋", 15.5, 20], ["0301", "鹅蛋", "禽蛋", 30, 2]],
                      header=["sku", "title", "category", "price", "stock"])
    report = do_import(merchant_a_user, data, filename="goods.xlsx")
    assert report.created_codes == ["1001", "0301"]
    assert str(StockRecord.objects.get(partner_sku="1001").price) == "15.50"


def test_missing_columns_and_unreadable_files_are_one_clear_problem(merchant_a_user, categories):
    report = do_import(merchant_a_user, "商品名称,价格\n蛋,1\n".encode())
    assert [(p.line, p.column) for p in report.problems] == [(1, "商品编码"), (1, "分类"), (1, "库存")]
    report = do_import(merchant_a_user, b"\x00\x01binary", filename="goods.xls")
    assert [(p.line, p.column) for p in report.problems] == [(None, "")]
    assert ".xlsx" in report.problems[0].message


def test_the_product_import_refuses_a_file_over_its_row_cap(merchant_a_user, categories):
    rows = "".join(f"P-{n},蛋,禽蛋,1.00,1,\n" for n in range(product_io.CAPS.max_rows + 1))
    report = do_import(merchant_a_user, (HEADER + rows).encode())
    assert [p.message for p in report.problems] == [
        "The file has more than 2000 rows; split it into files of at most 2000 rows."]
    assert not StockRecord.objects.exists()


def test_the_product_import_refuses_the_857_kb_style_workbook_and_wide_rows(merchant_a_user, categories):
    assert "unpacks to more than 64 MB" in do_import(merchant_a_user, zip_bomb_xlsx(), "goods.xlsx").problems[0].message
    wide = xlsx_with_sheet(iter([b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c>'
                                 b'<c r="XFD1"><v>1</v></c></row></sheetData></worksheet>']))
    assert do_import(merchant_a_user, wide, "goods.xlsx").problems[0].message == (
        "Line 1 has a value right of column 20; a file may have at most 20 columns.")


def test_an_import_never_touches_another_merchants_product_with_the_same_code(
        merchant_a_user, merchant_b, categories):
    theirs = factories.product(merchant_b.partner, title="乙的蛋", sku="EGG-1", price="9.00")
    do_import(merchant_a_user, (HEADER + "EGG-1,甲的蛋,禽蛋,20.00,1,\n").encode(), filename="a.csv")
    theirs.refresh_from_db()
    assert theirs.title == "乙的蛋" and str(theirs.stockrecords.get().price) == "9.00"
    assert StockRecord.objects.filter(partner_sku="EGG-1").count() == 2


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

URL = "shop:merchant-product-import"


def test_the_import_page_runs_the_import_as_a_job_and_shows_its_report(
        client, merchant_a_user, categories, django_capture_on_commit_callbacks):
    client.force_login(merchant_a_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.get(reverse(URL)).status_code == 200
    upload = SimpleUploadedFile("goods.csv", (HEADER + "A-1,蛋,禽蛋,abc,1,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(URL), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{reverse(URL)}?job={job.pk}"
    assert job.kind == "shop.products" and job.status == "done"
    page = client.get(response["Location"])
    assert "data-problems" in page.content.decode() and page.context["report"].bad_lines == [2]
    assert client.get(reverse("shop:merchant-product-import-job", args=[job.pk])).json()["finished"] is True


def test_another_merchant_cannot_see_the_import(client, merchant_a_user, merchant_b_user, categories,
                                               django_capture_on_commit_callbacks):
    client.force_login(merchant_a_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(URL), {"file": SimpleUploadedFile("goods.csv", HEADER.encode())})
    job = ImportJob.objects.get()
    client.force_login(merchant_b_user)
    assert client.get(reverse(URL), {"job": job.pk}).status_code == 404
    assert client.get(reverse("shop:merchant-product-import-job", args=[job.pk])).status_code == 404


def test_a_file_over_the_size_cap_is_refused_by_the_form_before_it_is_stored(client, merchant_a_user):
    client.force_login(merchant_a_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    big = SimpleUploadedFile("goods.csv", b"a" * (product_io.CAPS.max_bytes + 1))
    response = client.post(reverse(URL), {"file": big})
    assert response.status_code == 422 and not ImportJob.objects.exists()
    assert "larger than 5 MB" in response.content.decode()


@pytest.mark.parametrize("who", ["resident", "superuser"])  # the superuser has no merchant to import for
def test_only_merchants_open_the_import_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {}).status_code == 403
    assert client.get(reverse("shop:merchant-product-import-job", args=[987654321])).status_code == 403
