"""The commission report's dimensions (what its rows group by: the key from each table, the labels) and
its filters (what narrows the journals on top of the scope)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Expression, F, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agency.models import Product, Provider
from agency.models.rollups import NO_PRODUCT
from core.timeutil import COUNTY_TZ
from reports.selectors.dimensions import TOWNSHIP_PATH_LENGTH, dimension, labels_by_pk
from stations.models import Region


@dataclass(frozen=True)
class CommissionFilters:
    """The report's narrowing filters on top of the scope."""

    township: Region | None = None
    station_id: int | None = None
    provider_id: int | None = None
    product_id: int | None = None

    def journal_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.township is not None:
            q &= Q(**{f"{prefix}station__village__path__startswith": self.township.path})
        if self.station_id:
            q &= Q(**{f"{prefix}station_id": self.station_id})
        if self.provider_id:
            q &= Q(**{f"{prefix}counter_transaction__product__provider_id": self.provider_id})
        if self.product_id:
            q &= Q(**{f"{prefix}counter_transaction__product_id": self.product_id})
        return q

    @property
    def by_product(self) -> bool:
        """Statements are per station and month, not per product: a provider or product filter hides them."""
        return bool(self.provider_id or self.product_id)


@dataclass(frozen=True)
class CommissionDimension:
    name: str
    label: object  # lazy: the column heading
    journal_expression: Callable[[str], Expression]  # the key from a Journal reached through a prefix
    labels: Callable[[Iterable], dict]  # keys → {key: (label, drill value)}
    statement_expression: Callable[[], Expression] | None = None  # None: statements have no such key
    # the key from a rollup row, given the table's date field and whether its rows are townships'
    rollup_expression: Callable[[str, bool], Expression] | None = None
    # rollup keys found → {rollup key: report key}, when the rollup keeps a finer key (provider ← product)
    rollup_fold: Callable[[Iterable], dict] | None = None


def _provider_labels(keys) -> dict:
    return labels_by_pk(Provider, keys)


def _product_labels(keys) -> dict:
    return labels_by_pk(Product, keys)


def _township_expression(path_field: str) -> Expression:
    return Substr(F(path_field), 1, TOWNSHIP_PATH_LENGTH)


def _providers_of_products(keys) -> dict:
    """Rollups keep the product (its provider is the product's own); 0 is a store order commission."""
    providers = dict(Product.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "provider_id"))
    return {k: providers.get(k) for k in keys}


def _products(keys) -> dict:
    return {k: (None if k == NO_PRODUCT else k) for k in keys}


DIMENSIONS: dict[str, CommissionDimension] = {d.name: d for d in (
    CommissionDimension("township", gettext_lazy("Township"),
                        lambda p: _township_expression(f"{p}station__village__path"), dimension("township").labels,
                        lambda: _township_expression("station__village__path"),
                        lambda d, townships: F("township_path")),
    CommissionDimension("station", gettext_lazy("Station"), lambda p: F(f"{p}station_id"),
                        dimension("station").labels, lambda: F("station_id"), lambda d, townships: F("station_id")),
    CommissionDimension("provider", gettext_lazy("Provider"),
                        lambda p: F(f"{p}counter_transaction__product__provider_id"), _provider_labels,
                        rollup_expression=lambda d, townships: F("product_key"), rollup_fold=_providers_of_products),
    CommissionDimension("product", gettext_lazy("Product"), lambda p: F(f"{p}counter_transaction__product_id"),
                        _product_labels, rollup_expression=lambda d, townships: F("product_key"),
                        rollup_fold=_products),
    CommissionDimension("month", gettext_lazy("Month"), lambda p: TruncMonth(f"{p}posted_at", tzinfo=COUNTY_TZ),
                        dimension("month").labels, lambda: F("month"),
                        lambda d, townships: F("month") if d == "month" else TruncMonth("day")),
)}


def commission_dimension(name: str) -> CommissionDimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(f"Unknown commission dimension {name!r}; use one of {sorted(DIMENSIONS)}.") from None


def unknown_label(name: str) -> str:
    """The label of a None key: a store order commission has no provider and no product."""
    return {"provider": _("Store (member merchants)"), "product": _("Store order commission")}.get(
        name, _("Unknown"))
