"""Demo member merchants and their goods for `manage.py seed_demo`."""

from decimal import Decimal

from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from shop import services
from stations.demo import DemoCounty, demo_user

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

# merchant username, business name, [(sku, title, category path, price, stock, description)]
MERCHANTS = [
    ("merchant", "乐亭县绿源农产品合作社", [
        ("LY-001", "乐亭甜瓜（5斤装）", "农产品 > 时令水果", "39.90", 120, "乐亭大棚甜瓜，当天采摘，服务站自提。"),
        ("LY-002", "农家土鸡蛋（30枚）", "农产品 > 禽蛋", "36.00", 80, "散养土鸡蛋，合作社统一检测。"),
        ("LY-003", "乐亭挂面（2.5公斤）", "农产品 > 粮油", "18.50", 200, "本地小麦粉手工挂面。"),
    ]),
    ("merchant2", "汤家河镇便民日用品超市", [
        ("TJ-001", "金龙鱼大豆油（5升）", "日用百货 > 粮油调味", "69.90", 60, "会员商家统一配送到村服务站。"),
        ("TJ-002", "洗衣粉（3公斤）", "日用百货 > 清洁用品", "25.80", 90, "家庭装。"),
        ("TJ-003", "老年人手机（大字大声）", "日用百货 > 电器", "199.00", 15, "大字体、大音量，一键呼叫子女。"),
    ]),
]


def seed_merchants(demo: DemoCounty, progress) -> None:
    product_class, _ = ProductClass.objects.get_or_create(
        name="实物商品", defaults={"requires_shipping": True, "track_stock": True})
    for username, business, goods in MERCHANTS:
        partner, _ = Partner.objects.get_or_create(code=username, defaults={"name": business})
        user = demo_user(username, f"{business}店长", "")
        services.merchant_user_link(partner=partner, user=user, actor=None)
        for sku, title, category, price, stock, description in goods:
            _product(partner, product_class, sku, title, category, Decimal(price), stock, description)
        if username == "merchant":
            demo.logins.append(("merchant", username, f"/shop/dashboard/ ({business})"))
        progress.step(business)


def _product(partner, product_class, sku, title, category, price, stock, description) -> None:
    if StockRecord.objects.filter(partner=partner, partner_sku=sku).exists():
        return
    product = Product.objects.create(title=title, product_class=product_class, description=description,
                                     structure=Product.STANDALONE)
    ProductCategory.objects.create(product=product, category=create_from_breadcrumbs(category))
    StockRecord.objects.create(product=product, partner=partner, partner_sku=sku, price=price,
                               price_currency="CNY", num_in_stock=stock)
