"""A merchant keeps their own catalogue on one screen: a product's title, photos, price in yuan, stock,
category and description are saved together; the list's quick stock edit changes the stock alone.

Oscar stays the engine (Product, ProductCategory, ProductImage, StockRecord in CNY); these services are
the only writers for merchants, each one transaction with an audit event.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from accounts.models import User
from core.audit import audit_event_record
from core.money import fen_from_decimal, yuan_decimal
from shop import product_io
from shop.selectors.merchants import merchant_for_user
from shop.services.catalogue import PRODUCT_CLASS_NAME

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

MAX_STOCK = 9_999_999  # seven digits, as the spreadsheet import allows
MAX_IMAGES = 6


def _merchant(user: User):
    merchant = merchant_for_user(user=user)
    if merchant is None:
        raise PermissionDenied(_("Only a member merchant keeps products."))
    return merchant


def _check(*, title: str, price_fen: int, stock: int, category_id: int, sku: str) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip() or len(title) > product_io.MAX_TITLE:
        errors["title"] = [_("Give the product a name of at most %(max)d characters.") % {"max": product_io.MAX_TITLE}]
    if not 0 < price_fen < product_io.MAX_PRICE_FEN:
        errors["price"] = [_("A price is more than 0 yuan with at most 2 decimals.")]
    if not 0 <= stock <= MAX_STOCK:
        errors["stock"] = [_("Stock is a whole number, 0 or more.")]
    if not Category.objects.filter(pk=category_id).exists():
        errors["category"] = [_("Choose a category.")]
    if len(sku) > product_io.MAX_SKU:
        errors["sku"] = [_("The name or the code is too long.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def merchant_product_save(*, user: User, product_id: int | None = None, title: str, description: str = "",
                          category_id: int, price_fen: int, stock: int, sku: str = "", images=(),
                          remove_image_ids=()) -> StockRecord:
    """Create (product_id None) or update one of the merchant's products with everything on its screen.

    The price is in the store's currency (CNY) and cannot be set otherwise. A blank code gets one made
    from the product's number; a code the merchant already uses on another product is refused.
    """
    merchant = _merchant(user)
    title, sku = title.strip(), sku.strip()
    _check(title=title, price_fen=price_fen, stock=stock, category_id=category_id, sku=sku)
    if sku and StockRecord.objects.filter(partner=merchant.partner, partner_sku=sku).exclude(
            product_id=product_id).exists():
        raise ValidationError({"sku": [_("You already use this code for another product.")]})
    if product_id is None:
        product_class, _created = ProductClass.objects.get_or_create(
            name=PRODUCT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True})
        product = Product.objects.create(title=title, description=description, product_class=product_class,
                                         structure=Product.STANDALONE)
        record = StockRecord.objects.create(product=product, partner=merchant.partner,
                                            partner_sku=sku or f"M{merchant.pk}-{product.pk}",
                                            price=yuan_decimal(price_fen), price_currency="CNY", num_in_stock=stock)
        action = "merchant.product_created"
    else:
        record = (StockRecord.objects.select_for_update(of=("self",)).select_related("product")
                  .filter(partner=merchant.partner, product_id=product_id).first())
        if record is None:
            raise PermissionDenied(_("This is not one of your products."))
        product = record.product
        product.title, product.description = title, description
        product.save()
        record.price, record.num_in_stock = yuan_decimal(price_fen), stock
        record.partner_sku = sku or record.partner_sku
        record.save(update_fields=["price", "num_in_stock", "partner_sku", "date_updated"])
        action = "merchant.product_changed"
    ProductCategory.objects.filter(product=product).exclude(category_id=category_id).delete()
    ProductCategory.objects.get_or_create(product=product, category_id=category_id)
    _images(product, images, remove_image_ids)
    audit_event_record(actor=user, action=action, target=product,
                       data={"sku": record.partner_sku, "price_fen": price_fen, "stock": stock})
    return record


def _images(product, images, remove_image_ids) -> None:
    if remove_image_ids:
        for image in ProductImage.objects.filter(product=product, pk__in=list(remove_image_ids)):
            image.delete()  # Oscar's delete renumbers the photos left
    kept = ProductImage.objects.filter(product=product).count()
    if kept + len(images) > MAX_IMAGES:
        raise ValidationError({"images": [_("A product has at most %(max)d photos.") % {"max": MAX_IMAGES}]})
    for order, upload in enumerate(images, start=kept):
        ProductImage.objects.create(product=product, original=upload, display_order=order)


@transaction.atomic
def merchant_stock_set(*, user: User, product_id: int, stock: int) -> StockRecord:
    """The quick stock edit of the product list: the number on the shelf, nothing else."""
    merchant = _merchant(user)
    if not 0 <= stock <= MAX_STOCK:
        raise ValidationError({"stock": [_("Stock is a whole number, 0 or more.")]})
    record = (StockRecord.objects.select_for_update(of=("self",)).select_related("product")
              .filter(partner=merchant.partner, product_id=product_id).first())
    if record is None:
        raise PermissionDenied(_("This is not one of your products."))
    if record.num_in_stock != stock:
        previous, record.num_in_stock = record.num_in_stock, stock
        record.save(update_fields=["num_in_stock", "date_updated"])
        audit_event_record(actor=user, action="merchant.stock_set", target=record.product,
                           data={"sku": record.partner_sku, "from": previous, "to": stock})
    return record


def price_fen_of(record) -> int:
    return fen_from_decimal(record.price) if record.price is not None else 0
