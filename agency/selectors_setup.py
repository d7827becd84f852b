"""Reads of the till's set-up: providers, products, commission plans, and the preview calculator.

The set-up is one catalogue for the whole platform (no row lies in a region), so there is nothing to
narrow by scope: who may open these pages is the views' workspace check (township and county admins
read, county admins change; stations.scope.can_set_up_till). A missing id is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.services.common import commission_under, plan_version_in_force
from agency.tariffs import Commission
from stations.scope import get_in_scope


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.annotate(product_count=Count("products")).order_by("-is_active", "name")


def access_provider_by_id(*, provider_id: int) -> Provider:
    return get_in_scope(Provider.objects.all(), pk=provider_id)


def setup_product_list(*, provider_id: int | None = None, query: str = "") -> QuerySet[Product]:
    products = Product.objects.select_related("provider", "commission_plan").order_by("provider__name", "name")
    if provider_id:
        products = products.filter(provider_id=provider_id)
    if query:
        products = products.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return products


def access_product_by_id(*, product_id: int) -> Product:
    return get_in_scope(Product.objects.select_related("provider", "commission_plan"), pk=product_id)


def plan_list() -> QuerySet[CommissionPlan]:
    """Every plan with its versions, newest first (version_rows() tells which is in force)."""
    versions = CommissionPlanVersion.objects.order_by("-effective_from")
    return (CommissionPlan.objects.annotate(product_count=Count("products"))
            .prefetch_related(Prefetch("versions", queryset=versions)).order_by("name"))


def access_plan_by_id(*, plan_id: int) -> CommissionPlan:
    return get_in_scope(plan_list(), pk=plan_id)


def access_plan_version_by_id(*, plan_id: int, version_id: int) -> CommissionPlanVersion:
    return get_in_scope(CommissionPlanVersion.objects.select_related("plan"), pk=version_id, plan_id=plan_id)


@dataclass(frozen=True)
class VersionRow:
    version: CommissionPlanVersion
    state: str  # "scheduled" (not started), "in_force", "ended" (replaced by a later version)


def version_rows(plan: CommissionPlan, *, today: date) -> list[VersionRow]:
    """The plan's versions, newest first, each with its state on `today` (from the prefetched versions)."""
    rows, in_force_seen = [], False
    for version in plan.versions.all():  # newest first
        if version.effective_from > today:
            state = "scheduled"
        elif not in_force_seen:
            state, in_force_seen = "in_force", True
        else:
            state = "ended"
        rows.append(VersionRow(version, state))
    return rows


@dataclass(frozen=True)
class CommissionPreview:
    amount_fen: int
    on: date
    version: CommissionPlanVersion | None  # None: the plan has no terms in force on that day
    commission: Commission | None


def commission_preview(*, plan: CommissionPlan, amount_fen: int, on: date) -> CommissionPreview:
    """What a payment of `amount_fen` on `on` earns under `plan`: the version the till would pick on that
    day, computed by the till's own function (agency.services.common.commission_under)."""
    version = plan_version_in_force(plan, on)
    return CommissionPreview(amount_fen, on, version, commission_under(version, amount_fen) if version else None)


def terms_preview(*, version: CommissionPlanVersion, amount_fen: int) -> Commission:
    """What unsaved terms (a version being written) would pay on `amount_fen`, by the same function."""
    return commission_under(version, amount_fen)



def setup_export_rows(*, kind: str):
    """What the export of `kind` ("providers", "products", "plans") lists, in a stable order."""
    if kind == "providers":
        return Provider.objects.order_by("code")
    if kind == "products":
        return Product.objects.select_related("provider", "commission_plan").order_by("code")
    return CommissionPlanVersion.objects.select_related("plan").order_by("plan__code", "effective_from")
