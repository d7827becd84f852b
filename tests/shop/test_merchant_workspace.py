"""The merchant's workspace (/merchant/…): landing, one-screen product form, quick stock edit, orders with
what to prepare, and Oscar's dashboard closed to merchants; the county's scoped view of goods and orders."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from core.models import AuditEvent
from shop.models import OrderPart
from shop.services import merchant_catalogue as services
from tests.factories import jpeg_bytes
from tests.shop import factories

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")
Status = OrderPart.Status


@pytest.fixture
def eggs():
    return create_from_breadcrumbs("农产品 > 禽蛋")


def _photo(name="egg.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes((64, 48)), content_type="image/jpeg")


def test_a_merchant_lands_in_their_workspace_after_signing_in(client, merchant_a_user):
    merchant_a_user.set_password("Cz-test-pass-1")
    merchant_a_user.save()
    response = client.post(reverse("accounts:login"), {"username": merchant_a_user.username,
                                                      "password": "Cz-test-pass-1"})
    assert response.status_code == 302 and response["Location"] == reverse("shop:merchant-home")
    page = client.get(reverse("shop:merchant-home"))
    assert page.status_code == 200 and "我的店铺" in page.content.decode()


def test_oscar_dashboard_is_closed_to_merchants_and_its_home_sends_them_on(client, merchant_a_user):
    client.force_login(merchant_a_user)
    assert client.get("/shop/dashboard/")["Location"] == reverse("shop:merchant-home")
    for path in ("/shop/dashboard/catalogue/", "/shop/dashboard/orders/", "/shop/dashboard/catalogue/products/create/"):
        assert client.get(path).status_code == 403, path


def test_a_product_is_created_on_one_screen_with_photo_price_in_yuan_stock_and_category(
        client, merchant_a, merchant_a_user, eggs):
    client.force_login(merchant_a_user)
    page = client.get(reverse("shop:merchant-product-create"))
    assert page.status_code == 200 and "currency" not in page.content.decode().lower()
    response = client.post(reverse("shop:merchant-product-create"), {
        "title": "土鸡蛋（30枚）", "price": "36.50", "stock": "20", "category": eggs.pk,
        "description": "散养", "images": [_photo()]})
    assert response.status_code == 302
    record = StockRecord.objects.get(partner=merchant_a.partner)
    assert (record.product.title, str(record.price), record.price_currency, record.num_in_stock) == (
        "土鸡蛋（30枚）", "36.50", "CNY", 20)
    assert list(record.product.categories.all()) == [eggs] and record.product.images.count() == 1
    assert record.partner_sku == f"M{merchant_a.pk}-{record.product_id}"
    assert AuditEvent.objects.filter(action="merchant.product_created").count() == 1


def test_bad_input_is_shown_beside_the_field_in_chinese_and_nothing_is_saved(client, merchant_a_user, eggs):
    client.force_login(merchant_a_user)
    response = client.post(reverse("shop:merchant-product-create"), {
        "title": "", "price": "abc", "stock": "-1", "category": eggs.pk,
        "images": [SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")]})
    assert response.status_code == 422
    assert "未保存" in response.content.decode() or "没有保存" in response.content.decode()
    assert not StockRecord.objects.exists()


def test_a_product_is_edited_and_a_photo_removed(client, merchant_a, merchant_a_user, eggs):
    record = services.merchant_product_save(user=merchant_a_user, title="鸭蛋", category_id=eggs.pk, price_fen=1200,
                                            stock=3, images=[_photo()])
    image = record.product.images.get()
    client.force_login(merchant_a_user)
    url = reverse("shop:merchant-product-edit", args=[record.product_id])
    assert "12.00" in client.get(url).content.decode()
    response = client.post(url, {"title": "咸鸭蛋", "price": "15", "stock": "9", "category": eggs.pk,
                                 "sku": "YA-1", "remove_images": [image.pk]})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.product.title, str(record.price), record.num_in_stock, record.partner_sku) == (
        "咸鸭蛋", "15.00", 9, "YA-1")
    assert not record.product.images.exists()


def test_another_merchants_product_is_a_404_and_cannot_be_changed(client, merchant_a_user, merchant_b, eggs):
    theirs = factories.product(merchant_b.partner, title="乙的米", stock=4)
    client.force_login(merchant_a_user)
    assert client.get(reverse("shop:merchant-product-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("shop:merchant-stock-set", args=[theirs.pk]), {"stock": "0"}).status_code == 404
    assert theirs.stockrecords.get().num_in_stock == 4


def test_the_list_shows_price_and_stock_and_the_quick_edit_sets_the_stock(client, merchant_a, merchant_a_user):
    item = factories.product(merchant_a.partner, title="菜籽油", price="58.00", stock=7)
    client.force_login(merchant_a_user)
    page = client.get(reverse("shop:merchant-products")).content.decode()
    assert "菜籽油" in page and "58.00" in page and 'value="7"' in page
    response = client.post(reverse("shop:merchant-stock-set", args=[item.pk]), {"stock": "12"})
    assert response.status_code == 302
    assert item.stockrecords.get().num_in_stock == 12
    client.post(reverse("shop:merchant-stock-set", args=[item.pk]), {"stock": "-3"})
    assert item.stockrecords.get().num_in_stock == 12


def test_orders_show_what_to_prepare_for_which_station_and_move_from_the_list(
        client, merchant_a, merchant_a_user, station, resident):
    eggs = factories.product(merchant_a.partner, title="土鸡蛋", price="12.00")
    rice = factories.product(merchant_a.partner, title="大米", price="50.00")
    part = factories.order((eggs, 2), (rice, 1), station=station, user=resident).parts.get()
    factories.order((eggs, 3), station=station, user=resident)
    client.force_login(merchant_a_user)
    page = client.get(reverse("shop:merchant-orders")).content.decode()
    assert station.name in page and "土鸡蛋 × <strong>5</strong>" in page and "大米 × <strong>1</strong>" in page
    response = client.post(reverse("shop:merchant-part-move", args=[part.pk]), {"to_status": "confirmed",
                                                                                "next": "list"})
    assert response["Location"] == reverse("shop:merchant-orders")
    part.refresh_from_db()
    assert part.status == Status.CONFIRMED
    detail = client.get(reverse("shop:merchant-order-detail", args=[part.pk])).content.decode()
    assert "标记为已发货" in detail


def test_another_merchants_order_part_is_a_404(client, merchant_a_user, merchant_b, station):
    theirs = factories.order((factories.product(merchant_b.partner), 1), station=station).parts.get()
    client.force_login(merchant_a_user)
    assert client.get(reverse("shop:merchant-order-detail", args=[theirs.pk])).status_code == 404


def test_the_county_reads_its_merchants_goods_and_orders_and_no_others(
        client, township_admin, merchant_a, merchant_b, station):
    mine = factories.product(merchant_a.partner, title="本乡鸡蛋")
    factories.product(merchant_b.partner, title="外乡大米")
    factories.order((mine, 1), station=station)
    client.force_login(township_admin)
    goods = client.get(reverse("shop:county-merchant-products")).content.decode()
    assert "本乡鸡蛋" in goods and "外乡大米" not in goods
    orders = client.get(reverse("shop:county-merchant-orders")).content.decode()
    assert merchant_a.name in orders


def test_a_merchant_does_not_open_the_county_views(client, merchant_a_user):
    client.force_login(merchant_a_user)
    assert client.get(reverse("shop:county-merchant-products")).status_code == 403


def test_re_vetting_due_soon_is_shown_on_every_workspace_page(client, merchant_a, merchant_a_user):
    merchant_a.revet_on = merchant_a.admitted_on
    merchant_a.save()
    client.force_login(merchant_a_user)
    assert "复审" in client.get(reverse("shop:merchant-products")).content.decode()


# --- the services ----------------------------------------------------------------------------------------------

def test_only_a_merchant_keeps_products_and_a_code_is_theirs_once(merchant_a_user, operator, eggs):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.merchant_product_save(user=operator, title="鸡蛋", category_id=eggs.pk, price_fen=100, stock=1)
    services.merchant_product_save(user=merchant_a_user, title="鸡蛋", category_id=eggs.pk, price_fen=100, stock=1,
                                   sku="E-1")
    with pytest.raises(ValidationError) as error:
        services.merchant_product_save(user=merchant_a_user, title="鸭蛋", category_id=eggs.pk, price_fen=100,
                                       stock=1, sku="E-1")
    assert "sku" in error.value.message_dict


def test_a_product_keeps_at_most_six_photos_and_bad_numbers_are_refused(merchant_a_user, eggs):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.merchant_product_save(user=merchant_a_user, title="鸡蛋", category_id=eggs.pk, price_fen=100,
                                       stock=1, images=[_photo(f"{n}.jpg") for n in range(7)])
    assert "images" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.merchant_product_save(user=merchant_a_user, title=" ", category_id=0, price_fen=0, stock=-1)
    assert set(error.value.message_dict) == {"title", "price", "stock", "category"}
    assert not StockRecord.objects.exists()


def test_setting_the_same_stock_again_writes_nothing(merchant_a, merchant_a_user):
    item = factories.product(merchant_a.partner, stock=5)
    services.merchant_stock_set(user=merchant_a_user, product_id=item.pk, stock=5)
    assert not AuditEvent.objects.filter(action="merchant.stock_set").exists()
    services.merchant_stock_set(user=merchant_a_user, product_id=item.pk, stock=6)
    assert AuditEvent.objects.get(action="merchant.stock_set").data == {"sku": item.stockrecords.get().partner_sku,
                                                                        "from": 5, "to": 6}


def test_a_merchant_due_for_re_vetting_gets_one_text_message_per_date(merchant_a, merchant_b):
    from datetime import timedelta

    from core.models import SmsOutboxMessage
    from shop.services.revet_reminders import merchant_revet_reminders_send

    merchant_a.revet_on = merchant_a.admitted_on + timedelta(days=20)
    merchant_a.save()
    today = merchant_a.admitted_on
    assert merchant_revet_reminders_send(today=today) == 1
    assert merchant_revet_reminders_send(today=today + timedelta(days=1)) == 0
    message = SmsOutboxMessage.objects.get(purpose="merchant_revet")
    assert message.phone == merchant_a.contact_phone and "复审" in message.text
