"""A merchant's bulk product import: every row checked first, then all rows saved at once, or none.

Imports run as background jobs (core/import_jobs.py); `product_import` is the import itself.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from accounts.models import User
from core.audit import audit_event_record
from core.import_jobs import (
    STEP_SAVING,
    Progress,
    import_job_run,
    import_job_submit,
    import_table_read,
)
from core.models import ImportJob
from core.spreadsheets import ImportReport, Problem
from shop import product_io
from shop.selectors.merchants import merchant_for_user

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

PRODUCT_CLASS_NAME = "实物商品"
PRODUCT_IMPORT = "shop.products"


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


def product_import_submit(*, user: User, upload, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the import of a merchant's uploaded spreadsheet (core/import_jobs.py)."""
    from shop.tasks import product_import_job

    if merchant_for_user(user=user) is None:
        raise PermissionDenied(_("Only a member merchant imports products."))
    return import_job_submit(user=user, kind=PRODUCT_IMPORT, params={}, upload=upload,
                             idempotency_key=idempotency_key, enqueue=product_import_job.delay)


def product_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        return product_import(user=job.user, file=file, filename=job.filename, progress=progress)

    return import_job_run(job_id=job_id, run=run)


def product_import(*, user: User, file, filename: str, progress: Progress | None = None) -> ImportReport:
    """Create or update (by the merchant's product code) every row of a CSV/XLSX file.

    One bad row and nothing is imported: the report lists every problem with its line and column.
    Rows that change nothing are not written, so importing the same file again changes nothing.
    """
    merchant = merchant_for_user(user=user)
    if merchant is None:
        raise PermissionDenied(_("Only a member merchant imports products."))
    table, unreadable = import_table_read(file, filename, caps=product_io.CAPS, progress=progress)
    if table is None:
        return ImportReport(problems=unreadable)
    paths, leaves = category_lookups()
    rows, problems, columns = product_io.parse(table, categories=paths, leaf_names=leaves)
    report = ImportReport(rows=len(table.rows), ignored_columns=columns.ignored)
    if not rows and not problems:
        problems = [Problem(None, "", _("The file has a header but no product rows."))]
    if problems:
        return report.refuse(problems)
    if progress is not None:
        progress(80, STEP_SAVING)
    _import_write(merchant, rows, report, user=user, filename=filename)
    return report


@transaction.atomic
def _import_write(merchant, rows: list[product_io.ProductRow], report: ImportReport, *, user, filename) -> None:
    product_class, _created = ProductClass.objects.get_or_create(
        name=PRODUCT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True})
    existing = {sr.partner_sku: sr for sr in StockRecord.objects.select_for_update(of=("self",)).filter(
        partner=merchant.partner, partner_sku__in=[r.sku for r in rows])
        .select_related("product").prefetch_related("product__categories")}
    for row in rows:
        stockrecord = existing.get(row.sku)
        if stockrecord is None:
            _create(merchant.partner, product_class, row)
            report.created_codes.append(row.sku)
        elif _update(stockrecord, row):
            report.updated_codes.append(row.sku)
        else:
            report.unchanged += 1
    report.created, report.updated = len(report.created_codes), len(report.updated_codes)
    if report.created or report.updated:  # a file that changes nothing leaves no trace either
        audit_event_record(actor=user, action="merchant.products_imported", target=merchant,
                           data={"file": filename[:100], "created": report.created, "updated": report.updated,
                                 "unchanged": report.unchanged})


def _create(partner, product_class, row: product_io.ProductRow) -> None:
    product = Product.objects.create(title=row.title, description=row.description, product_class=product_class,
                                     structure=Product.STANDALONE)
    ProductCategory.objects.create(product=product, category_id=row.category_id)
    StockRecord.objects.create(product=product, partner=partner, partner_sku=row.sku, price=row.price,
                               price_currency="CNY", num_in_stock=row.stock)


def _update(stockrecord, row: product_io.ProductRow) -> bool:
    """Bring the product in line with the row; False when it already was (nothing written).
    An empty description cell keeps the current description."""
    product, changed = stockrecord.product, False
    description = row.description or product.description
    if (product.title, product.description) != (row.title, description):
        product.title, product.description = row.title, description
        product.save()
        changed = True
    if {category.pk for category in product.categories.all()} != {row.category_id}:
        ProductCategory.objects.filter(product=product).exclude(category_id=row.category_id).delete()
        ProductCategory.objects.get_or_create(product=product, category_id=row.category_id)
        changed = True
    if (stockrecord.price, stockrecord.num_in_stock) != (row.price, row.stock):
        stockrecord.price, stockrecord.num_in_stock = row.price, row.stock
        stockrecord.save(update_fields=["price", "num_in_stock", "date_updated"])
        changed = True
    return changed
