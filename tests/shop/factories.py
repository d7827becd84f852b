"""Store fixtures' builders: valid credit codes, licence scans, merchants, products, orders and parcels
ready at a station."""

import io
import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from shop.credit_code import check_character
from shop.models import Merchant
from shop.services.merchants import merchant_user_link
from tests.factories import UserFactory

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

_serial = itertools.count(1)


def credit_code(serial: int | None = None) -> str:
    """A unified social credit code with a correct check character (an enterprise in 乐亭县)."""
    body = f"91130225MA{(serial or next(_serial)):07d}"
    return body + check_character(body)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def licence_upload(name: str = "licence.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type="image/png")


def merchant(*, name: str = "测试商户", townships=(), status: str = Merchant.Status.ACTIVE, user=None) -> Merchant:
    """A member merchant made directly (no application), with one sign-in user unless `user=False`."""
    partner = Partner.objects.create(name=f"{name}{next(_serial)}")
    today = timezone.localdate()
    member = Merchant.objects.create(partner=partner, credit_code=credit_code(), contact_name="张经理",
                                     contact_phone="13900000000", address="县城", categories=["groceries"],
                                     status=status, admitted_on=today, revet_on=today + timedelta(days=365))
    member.townships.set(townships)
    if user is not False:
        merchant_user_link(partner=partner, user=user or UserFactory(), actor=None)
    return member


def product(partner, *, title: str = "土鸡蛋", price: str = "10.00", stock: int = 50, sku: str | None = None):
    product_class, _ = ProductClass.objects.get_or_create(
        name="实物商品", defaults={"requires_shipping": True, "track_stock": True})
    item = Product.objects.create(title=title, product_class=product_class, structure=Product.STANDALONE)
    StockRecord.objects.create(product=item, partner=partner, partner_sku=sku or f"SKU{next(_serial)}",
                               price=Decimal(price), price_currency="CNY", num_in_stock=stock)
    return item


def order(*items, user=None, station, method: str = "pickup", payment_method: str = "cash", phone="13911112222",
          township=None, address: str = "", delivery_fee_fen: int = 0):
    """An Oscar order of (product, quantity) items, split into parts as the checkout does."""
    from oscar.apps.partner.strategy import Default
    from oscar.test.factories import create_order

    from shop.services.orders import order_parts_create

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create()
    basket.strategy = Default()
    for item, quantity in items:
        basket.add_product(item, quantity)
    placed = create_order(basket=basket, user=user)
    order_parts_create(order=placed, method=method, station=station, recipient="刘桂兰", phone=phone,
                       payment_method=payment_method, township=township, address=address,
                       delivery_fee_fen=delivery_fee_fen)
    return placed


def part_ready(part, *, merchant_user, operator):
    """The order part confirmed and sent by its merchant and received at its station: waiting to be picked up."""
    from shop.services.orders import order_part_move

    for status in ("confirmed", "sent"):
        order_part_move(user=merchant_user, part_id=part.pk, to_status=status)
    return order_part_move(user=operator, part_id=part.pk, to_status="ready")
