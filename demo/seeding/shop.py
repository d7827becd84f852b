"""Demo member merchants, their goods and orders for `manage.py seed_demo`.

Ten merchants go through the real membership flow (application → vetting); one stays pending and
one is suspended. About 100 products get pictures drawn here with Pillow (nothing is downloaded),
and the demo resident's orders stand in every status of the order flow. Idempotent: merchants are
found by credit code, products by their merchant's code, orders by the resident's demo orders.
"""

import io
import uuid
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_class, get_model
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from demo.seeding.county import DemoCounty
from demo.seeding.people import demo_resident, demo_user
from shop.addresses import china_id
from shop.credit_code import check_character
from shop.models import DeliveryFee, Fulfilment, Merchant, MerchantApplication, OrderPart
from shop.services import merchants as merchant_services
from shop.services import orders as order_services
from shop.shipping.methods import StationPickup, TownshipDelivery
from stations.models import Station

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

Status = OrderPart.Status
_KEYS = uuid.UUID("1d3c5e7a-9b2d-4f60-8a1c-3e5f7a9b1c2d")

# username (or "" for a sign-in by phone), business, serial of the credit code, township indexes served,
# categories, standing, and the goods: (title, category path, price in yuan, [variants])
MERCHANTS = [
    ("merchant", "乐亭县绿源农产品合作社", 1, [0, 1, 2], ["produce"], "active", [
        ("乐亭甜瓜", "农产品 > 时令水果", "39.90", ["5斤装", "10斤装", "礼盒装"]),
        ("农家土鸡蛋", "农产品 > 禽蛋", "36.00", ["30枚", "60枚", "15枚"]),
        ("乐亭挂面", "农产品 > 粮油", "18.50", ["2.5公斤", "5公斤"]),
        ("小站稻大米", "农产品 > 粮油", "49.00", ["5公斤", "10公斤"]),
        ("鲜桃", "农产品 > 时令水果", "25.00", ["3斤", "5斤"]),
        ("散养鸭蛋", "农产品 > 禽蛋", "32.00", ["30枚"]),
        ("红薯", "农产品 > 时令水果", "12.00", ["5斤", "10斤"]),
    ]),
    ("merchant2", "汤家河镇便民日用品超市", 2, [1], ["groceries"], "active", [
        ("大豆油", "日用百货 > 粮油调味", "69.90", ["5升", "1.8升"]),
        ("洗衣粉", "日用百货 > 清洁用品", "25.80", ["3公斤", "1.5公斤"]),
        ("酱油", "日用百货 > 粮油调味", "9.90", ["500毫升", "1.9升"]),
        ("香皂", "日用百货 > 个人护理", "4.50", ["单块", "四块装"]),
        ("卫生纸", "日用百货 > 清洁用品", "29.90", ["12卷", "24卷"]),
        ("牙膏", "日用百货 > 个人护理", "12.80", ["120克", "三支装"]),
        ("陈醋", "日用百货 > 粮油调味", "8.50", ["500毫升"]),
        ("洗洁精", "日用百货 > 清洁用品", "11.90", ["1.5公斤"]),
    ]),
    ("", "乐亭县丰收农资经营部", 3, [0, 2, 3], ["agri_inputs"], "active", [
        ("玉米种子", "农资 > 种子", "45.00", ["郑单958 1公斤", "先玉335 1公斤", "京科968 1公斤"]),
        ("复合肥", "农资 > 化肥", "168.00", ["40公斤", "25公斤"]),
        ("尿素", "农资 > 化肥", "128.00", ["40公斤"]),
        ("小麦种子", "农资 > 种子", "38.00", ["济麦22 5公斤", "石麦15 5公斤"]),
        ("喷雾器", "农资 > 农机配件", "89.00", ["16升手动", "16升电动"]),
        ("地膜", "农资 > 农机配件", "56.00", ["1.2米宽", "1.5米宽"]),
        ("有机肥", "农资 > 化肥", "35.00", ["20公斤"]),
    ]),
    ("", "乐亭县惠民家电城", 4, [0, 1, 2, 3, 4], ["appliances"], "active", [
        ("电饭煲", "家用电器 > 厨房电器", "199.00", ["3升", "4升", "5升"]),
        ("电热水壶", "家用电器 > 厨房电器", "79.00", ["1.5升", "1.7升"]),
        ("电风扇", "家用电器 > 生活电器", "159.00", ["落地扇", "台扇"]),
        ("电暖器", "家用电器 > 生活电器", "299.00", ["油汀13片", "暖风机"]),
        ("电磁炉", "家用电器 > 厨房电器", "229.00", ["2100瓦"]),
        ("微波炉", "家用电器 > 厨房电器", "399.00", ["20升"]),
        ("吸尘器", "家用电器 > 生活电器", "259.00", ["卧式"]),
    ]),
    ("", "乐亭县联通手机专营店", 5, [0, 1], ["phones"], "active", [
        ("老年人手机", "手机数码 > 手机", "199.00", ["大字大声 红", "大字大声 黑"]),
        ("智能手机", "手机数码 > 手机", "999.00", ["64G", "128G", "256G"]),
        ("充电宝", "手机数码 > 配件", "69.00", ["10000毫安", "20000毫安"]),
        ("手机壳", "手机数码 > 配件", "19.90", ["通用款"]),
        ("数据线", "手机数码 > 配件", "15.00", ["安卓", "苹果", "Type-C"]),
        ("蓝牙耳机", "手机数码 > 配件", "89.00", ["入耳式"]),
    ]),
    ("", "胡家坨镇利民服装鞋帽店", 6, [2], ["clothing"], "active", [
        ("棉袄", "服装鞋帽 > 服装", "189.00", ["男款", "女款"]),
        ("劳保手套", "服装鞋帽 > 劳保用品", "15.00", ["十双装"]),
        ("雨靴", "服装鞋帽 > 鞋靴", "45.00", ["40码", "42码", "38码"]),
        ("草帽", "服装鞋帽 > 劳保用品", "12.00", ["大檐"]),
        ("布鞋", "服装鞋帽 > 鞋靴", "39.00", ["老北京 40码", "老北京 42码"]),
        ("秋衣秋裤", "服装鞋帽 > 服装", "69.00", ["男款", "女款"]),
    ]),
    ("", "闫各庄镇兴旺五金建材", 7, [3], ["building"], "active", [
        ("水泥", "五金建材 > 建材", "28.00", ["50公斤"]),
        ("铁锹", "五金建材 > 五金工具", "35.00", ["尖头", "平头"]),
        ("水龙头", "五金建材 > 水暖", "48.00", ["冷热", "单冷"]),
        ("PVC水管", "五金建材 > 水暖", "25.00", ["4分 4米", "6分 4米"]),
        ("电线", "五金建材 > 电工", "189.00", ["2.5平方 100米", "4平方 100米"]),
        ("LED灯泡", "五金建材 > 电工", "9.90", ["9瓦", "15瓦"]),
        ("锤子", "五金建材 > 五金工具", "22.00", ["1磅"]),
    ]),
    ("", "乐亭县康宁养老用品店", 8, [0, 4], ["health"], "active", [
        ("电子血压计", "健康养老 > 健康监测", "159.00", ["上臂式"]),
        ("拐杖", "健康养老 > 助行器具", "59.00", ["四脚", "折叠"]),
        ("轮椅", "健康养老 > 助行器具", "599.00", ["折叠轻便"]),
        ("老花镜", "健康养老 > 日常护理", "29.00", ["200度", "250度", "300度"]),
        ("护膝", "健康养老 > 日常护理", "39.00", ["一对"]),
        ("血糖仪", "健康养老 > 健康监测", "199.00", ["含50试纸"]),
    ]),
    ("", "马头营镇渔家海产品店", 9, [4], ["produce"], "suspended", [
        ("虾皮", "农产品 > 海产干货", "45.00", ["500克"]),
        ("海米", "农产品 > 海产干货", "89.00", ["500克"]),
        ("干海带", "农产品 > 海产干货", "25.00", ["1公斤"]),
        ("鱼干", "农产品 > 海产干货", "58.00", ["500克"]),
    ]),
    ("", "乐亭县新华书店便民部", 10, [0], ["other"], "pending", []),
]
TOWNSHIP_FEES = [500, 800, 800, 1000, None]  # fen per merchant's delivery; None: no home delivery there
CATEGORY_COLOURS = {"农产品": (118, 170, 84), "日用百货": (84, 140, 200), "农资": (160, 120, 60),
                    "家用电器": (90, 90, 160), "手机数码": (60, 60, 60), "服装鞋帽": (190, 90, 120),
                    "五金建材": (130, 130, 130), "健康养老": (200, 120, 60)}


def credit_code(serial: int) -> str:
    body = f"92130225MA{serial:07d}"
    return body + check_character(body)


def seed_merchants(demo: DemoCounty, progress, *, orders: bool = True) -> None:
    """The merchants and their goods; with `orders`, demo orders in every state too (the store
    bench leaves them out: it needs only the catalogue)."""
    admin = User.objects.get(username="county_admin")
    product_class, _created = ProductClass.objects.get_or_create(
        name="实物商品", defaults={"requires_shipping": True, "track_stock": True})
    _delivery_fees(demo)
    for index, (username, business, serial, townships, categories, standing, goods) in enumerate(MERCHANTS):
        member = _merchant(demo, admin, index, username, business, serial, townships, categories, standing)
        if member is not None:
            for sku_no, (title, category, price, variants) in enumerate(goods):
                for variant_no, variant in enumerate(variants):
                    _product(member.partner, product_class, f"M{serial:02d}-{sku_no:02d}{variant_no}0",
                             f"{title}（{variant}）", category, Decimal(price) * (1 + Decimal(variant_no) / 4))
            _select_grade_copies_remove(member.partner)
        progress.step(business)
    if orders:
        _orders(demo)


def _select_grade_copies_remove(partner) -> None:
    """Earlier demo seeds listed every item twice, a "精选" copy at 1.2× the price (SKU ending in 1): a
    doubled catalogue that only made the lists longer. A reseed removes those copies; orders keep their
    lines (an order line keeps the title and price, its product link is emptied)."""
    copies = StockRecord.objects.filter(partner=partner, partner_sku__regex=r"^M\d{2}-\d{3}1$",
                                        product__title__startswith="精选")
    Product.objects.filter(pk__in=copies.values("product_id")).delete()


def _delivery_fees(demo: DemoCounty) -> None:
    for township, fee in zip(demo.townships, TOWNSHIP_FEES, strict=True):
        if fee is not None:
            DeliveryFee.objects.get_or_create(township=township, defaults={"fee_fen": fee})


def _merchant(demo, admin, index, username, business, serial, townships, categories, standing):
    code = credit_code(serial)
    member = Merchant.objects.filter(credit_code=code).first()
    if member is not None:
        return member
    phone = f"139370000{index:02d}"  # a block of their own: the departments' officers have 13936…
    if username:  # the demo logins sign in with a name and the published password
        user = demo_user(username, f"{business[:-2]}经理", phone)
        if user.phone != phone:  # seeded before merchants applied by phone
            user.phone = phone
            user.save(update_fields=["phone"])
        Partner.users.through.objects.filter(user=user, partner__merchant__isnull=True).delete()  # older demo seeds
    application = MerchantApplication.objects.filter(credit_code=code).first() or \
        merchant_services.merchant_application_submit(
            idempotency_key=uuid.uuid5(_KEYS, code), business_name=business, credit_code=code,
            licence=SimpleUploadedFile("licence.png", _licence_png(business)), contact_name=f"{business[:3]}经理",
            contact_phone=phone, address=f"乐亭县{demo.townships[townships[0]].name}", categories=categories,
            township_ids=[demo.townships[i].pk for i in townships], note="")
    if standing == "pending":
        return None
    member, _user, _password = merchant_services.merchant_application_approve(
        user=admin, application_id=application.pk, revet_on=timezone.localdate() + timedelta(days=20 + 40 * index))
    if standing == "suspended":
        merchant_services.merchant_suspend(user=admin, merchant_id=member.pk, reason="抽检发现虾皮含水量超标，停业整改")
    return member


def _licence_png(business: str) -> bytes:
    image = Image.new("RGB", (600, 420), (250, 245, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 580, 400), outline=(180, 40, 40), width=6)
    draw.text((60, 60), "营业执照", fill=(180, 40, 40), font=_font(48))
    draw.text((60, 160), business, fill=(30, 30, 30), font=_font(28))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@cache
def _font(size: int):
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                 "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def _product(partner, product_class, sku, title, category, price) -> None:
    if StockRecord.objects.filter(partner=partner, partner_sku=sku).exists():
        return
    product = Product.objects.create(title=title, product_class=product_class, structure=Product.STANDALONE,
                                     description=f"{partner.name}供货，可在村服务站自提。")
    ProductCategory.objects.create(product=product, category=create_from_breadcrumbs(category))
    StockRecord.objects.create(product=product, partner=partner, partner_sku=sku, price=price.quantize(Decimal("0.01")),
                               price_currency="CNY", num_in_stock=20 + len(title) * 7 % 80)
    image = ProductImage(product=product, display_order=0, caption=title)
    image.original.save(f"{sku}.png", ContentFile(_product_png(title, category)), save=False)
    image.save()


def _product_png(title: str, category: str) -> bytes:
    """A plain picture: the category's colour and the product's name (a CJK font when the machine has one)."""
    image = Image.new("RGB", (400, 400), CATEGORY_COLOURS.get(category.split(" > ")[0], (120, 120, 120)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 60, 300, 260), fill=(255, 255, 255))
    draw.text((30, 300), title[:12], fill=(255, 255, 255), font=_font(30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- orders -----------------------------------------------------------------------------------------

# (merchant usernames' indexes in MERCHANTS, fulfilment, the moves to make after placing it)
ORDER_PLAN = [
    ([0], "pickup", []),
    ([1], "pickup", ["confirmed"]),
    ([0, 1], "pickup", ["confirmed", "sent"]),
    ([2], "pickup", ["confirmed", "sent", "ready"]),
    ([3], "pickup", ["confirmed", "sent", "ready", "collected"]),
    ([4], "pickup", ["confirmed", "sent", "ready", "returned"]),
    ([7], "pickup", ["confirmed", "sent", "ready", "collected", "returned", "refunded"]),
    ([5], "pickup", ["cancelled"]),
    ([0], "delivery", ["confirmed", "sent"]),
    ([3], "delivery", ["confirmed", "sent", "delivered"]),
    ([0, 3], "pickup", ["confirmed"]),
]


def _orders(demo: DemoCounty) -> None:
    resident = demo_resident()
    if Fulfilment.objects.filter(order__user=resident).exists():
        return
    station = Station.objects.filter(code="LT001").first()  # the demo operator's station
    operator = User.objects.filter(username="operator").first()
    if station is None or operator is None:
        return
    for index, (merchant_indexes, method, moves) in enumerate(ORDER_PLAN):
        order = _place(resident, station, merchant_indexes, method, index)
        for part in order.parts.select_related("partner"):
            _move_along(part, moves, operator)


def _place(resident, station, merchant_indexes, method, index):
    basket = Basket.objects.create(owner=resident)
    basket.strategy = Selector().strategy()
    for merchant_index in merchant_indexes:
        partner = Merchant.objects.get(credit_code=credit_code(MERCHANTS[merchant_index][2])).partner
        record = StockRecord.objects.filter(partner=partner).order_by("partner_sku")[index % 3]
        basket.add_product(record.product, 1 + index % 2)
    township = station.village.get_parent()
    fee = DeliveryFee.objects.filter(township=township).first()
    shipping = (TownshipDelivery(fee_fen=fee.fee_fen, merchants=len(merchant_indexes)) if method == "delivery"
                else StationPickup())
    charge = shipping.calculate(basket)
    address = ShippingAddress.objects.create(first_name=resident.full_name, line1=station.address,
                                             line4=station.name, country_id=china_id())
    order = OrderCreator().place_order(basket=basket, total=OrderTotalCalculator().calculate(basket, charge),
                                       shipping_method=shipping, shipping_charge=charge, user=resident,
                                       shipping_address=address, order_number=OrderNumberGenerator().order_number(basket))
    basket.submit()
    order_services.order_parts_create(
        order=order, method=method, station=station, recipient=resident.full_name, phone=resident.phone,
        payment_method="cash", township=township if method == "delivery" else None,
        address="城关村三组12号" if method == "delivery" else "",
        delivery_fee_fen=fee.fee_fen if method == "delivery" else 0)
    return order


def _move_along(part, moves, operator) -> None:
    merchant_user = part.partner.users.order_by("pk").first()
    for status in moves:
        if status == Status.COLLECTED:
            part = order_services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)
            continue
        actor = operator if status in (Status.READY,) or (
            status == Status.RETURNED and part.method == "pickup") else merchant_user
        part = order_services.order_part_move(user=actor, part_id=part.pk, to_status=status,
                                              note="演示：质量问题退回" if status in ("returned", "cancelled") else "")
