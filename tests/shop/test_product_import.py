import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from shop import product_io
from shop.services.catalogue import product_import
from tests.shop import factories

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")

HEADER = "商品编码,商品名称,分类,价格(元),库存,描述\n"


@pytest.fixture
def categories(db):
    create_from_breadcrumbs("农产品 > 禽蛋")
    create_from_breadcrumbs("日用百货 > 粮油调味")
    create_from_breadcrumbs("农产品 > 粮油调味")  # the same leaf name twice: needs the full path


def test_a_clean_csv_creates_and_then_updates_the_merchants_products(merchant_a_user, merchant_a, categories):
    data = (HEADER + "EGG-1,土鸡蛋（30枚）,禽蛋,36.00,80,散养\nOIL-1,花生油,日用百货 > 粮油调味,69.9,10,\n").encode()
    outcome = product_import(user=merchant_a_user, data=data, filename="goods.csv")
    assert outcome.parsed.ok and outcome.created == ["EGG-1", "OIL-1"]
    again = product_import(user=merchant_a_user, data=(HEADER + "EGG-1,土鸡蛋（30枚）,禽蛋,38.00,5,\n").encode(),
                           filename="goods.csv")
    assert again.updated == ["EGG-1"]
    record = StockRecord.objects.get(partner=merchant_a.partner, partner_sku="EGG-1")
    assert str(record.price) == "38.00" and record.num_in_stock == 5


def test_one_bad_row_imports_nothing_and_every_problem_has_its_line(merchant_a_user, categories):
    data = (HEADER + "A-1,好蛋,禽蛋,12.00,5,\n"
                     "A-2,,禽蛋,-3,x,\n"          # line 3: no title, bad price, bad stock
                     "A-1,重复,禽蛋,1.00,1,\n"    # line 4: same code as line 2
                     "A-3,油,粮油调味,9.00,1,\n"  # line 5: ambiguous category
                     "A-4,茶,茶叶,9.00,1,\n").encode()  # line 6: unknown category
    outcome = product_import(user=merchant_a_user, data=data, filename="goods.csv")
    assert not outcome.parsed.ok
    found = {(p.line, p.column) for p in outcome.parsed.problems}
    assert {(3, "title"), (3, "price"), (3, "stock"), (4, "sku"), (5, "category"), (6, "category")} <= found
    assert not StockRecord.objects.exists()


def test_gbk_csv_from_chinese_excel_is_read(merchant_a_user, categories):
    data = (HEADER + "G-1,小米,禽蛋,8.50,3,\n").encode("gb18030")
    assert product_import(user=merchant_a_user, data=data, filename="goods.csv").created == ["G-1"]


def test_xlsx_with_english_headers_and_numeric_cells_is_read(merchant_a_user, categories):
    book = Workbook()
    sheet = book.active
    sheet.append(["sku", "title", "category", "price", "stock"])
    sheet.append([1001, "鸭蛋", "农产品 > 禽蛋", 15.5, 20])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = product_import(user=merchant_a_user, data=buffer.getvalue(), filename="goods.xlsx")
    assert outcome.created == ["1001"]
    assert str(StockRecord.objects.get(partner_sku="1001").price) == "15.50"


def test_missing_columns_and_wrong_file_types_are_reported():
    parsed = product_io.parse([["商品名称", "价格"]], categories={}, leaf_names={})
    assert "商品编码" in parsed.problems[0].message
    with pytest.raises(product_io.ProductFileError):
        product_io.read_rows(b"\x00\x01binary", "goods.xls")


def test_an_import_never_touches_another_merchants_product_with_the_same_code(
        merchant_a_user, merchant_b, categories):
    theirs = factories.product(merchant_b.partner, title="乙的蛋", sku="EGG-1", price="9.00")
    product_import(user=merchant_a_user, data=(HEADER + "EGG-1,甲的蛋,禽蛋,20.00,1,\n").encode(), filename="a.csv")
    theirs.refresh_from_db()
    assert theirs.title == "乙的蛋" and str(theirs.stockrecords.get().price) == "9.00"
    assert StockRecord.objects.filter(partner_sku="EGG-1").count() == 2


def test_the_import_page_shows_the_problems_with_status_422(client, merchant_a_user, categories):
    client.force_login(merchant_a_user)
    url = reverse("shop:merchant-product-import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("goods.csv", (HEADER + "A-1,蛋,禽蛋,abc,1,\n").encode())
    response = client.post(url, {"file": upload})
    assert response.status_code == 422 and "data-problems" in response.content.decode()


def test_residents_cannot_open_the_import_page(client, resident):
    client.force_login(resident)
    assert client.get(reverse("shop:merchant-product-import")).status_code == 403
