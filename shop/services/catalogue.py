"""A merchant's bulk product import: every row checked first, then all rows saved at once, or none."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from accounts.models import User
from core.audit import audit_event_record
from shop import product_io
from shop.selectors.merchants import merchant_for_user

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

PRODUCT_CLASS_NAME = "实物商品"


@dataclass
class ImportOutcome:
    parsed: product_io.Parsed
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def category_lookups() -> tuple[dict[str, int], dict[str, list[int]]]:
    """Every category by its full path ("A > B") and by its own name; two queries' worth, no recursion."""
    names_by_path: dict[str, str] = {}
    paths, leaves = {}, {}
    for category in Category.objects.order_by("path").only("pk", "path", "depth", "name"):
        parent = category.path[: -Category.steplen]
        full = f"{names_by_path[parent]} > {category.name}" if parent in names_by_path else category.name
        names_by_path[category.path] = full
        paths[full] = category.pk
        leaves.setdefault(category.name, []).append(category.pk)
    return paths, leaves


@transaction.atomic
def product_import(*, user: User, data: bytes, filename: str) -> ImportOutcome:
    """Import a merchant's spreadsheet; ProductFileError for an unreadable file."""
    merchant = merchant_for_user(user=user)
    if merchant is None:
        raise PermissionDenied(_("Only a member merchant imports products."))
    paths, leaves = category_lookups()
    outcome = ImportOutcome(parsed=product_io.parse(product_io.read_rows(data, filename), categories=paths,
                                                    leaf_names=leaves))
    if not outcome.parsed.ok:
        return outcome
    product_class, _created = ProductClass.objects.get_or_create(
        name=PRODUCT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True})
    existing = {sr.partner_sku: sr for sr in StockRecord.objects.filter(
        partner=merchant.partner, partner_sku__in=[r.sku for r in outcome.parsed.rows]).select_related("product")}
    for row in outcome.parsed.rows:
        stockrecord = existing.get(row.sku)
        if stockrecord is None:
            _create(merchant.partner, product_class, row)
            outcome.created.append(row.sku)
        else:
            _update(stockrecord, row)
            outcome.updated.append(row.sku)
    audit_event_record(actor=user, action="merchant.products_imported", target=merchant,
                       data={"file": filename[:100], "created": len(outcome.created), "updated": len(outcome.updated)})
    return outcome


def _create(partner, product_class, row: product_io.ProductRow) -> None:
    product = Product.objects.create(title=row.title, description=row.description, product_class=product_class,
                                     structure=Product.STANDALONE)
    ProductCategory.objects.create(product=product, category_id=row.category_id)
    StockRecord.objects.create(product=product, partner=partner, partner_sku=row.sku, price=row.price,
                               price_currency="CNY", num_in_stock=row.stock)


def _update(stockrecord, row: product_io.ProductRow) -> None:
    product = stockrecord.product
    product.title, product.description = row.title, row.description or product.description
    product.save()
    ProductCategory.objects.filter(product=product).exclude(category_id=row.category_id).delete()
    ProductCategory.objects.get_or_create(product=product, category_id=row.category_id)
    stockrecord.price, stockrecord.num_in_stock = row.price, row.stock
    stockrecord.save(update_fields=["price", "num_in_stock", "date_updated"])
