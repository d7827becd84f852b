"""Reads of merchants and their applications, scoped to who is asking.

A superuser sees every merchant; a county or township admin sees the merchants (and
applications) serving at least one township in their region; a merchant's own users see
their own membership; nobody else sees any.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import Merchant, MerchantApplication
from stations.selectors import active_assignments

REVET_WARNING_DAYS = 30


def _region_scope(*, user, townships_field: str) -> Q | None:
    """Rows serving a township in the user's regions; None means every row."""
    if user.is_superuser:
        return None
    scope = Q(pk__in=[])
    for assignment in active_assignments(user=user).filter(region__isnull=False):
        scope |= Q(**{f"{townships_field}__path__startswith": assignment.region.path})
    return scope


def _scoped(queryset: QuerySet, *, user) -> QuerySet:
    if not user.is_authenticated:
        return queryset.none()
    scope = _region_scope(user=user, townships_field="townships")
    if scope is None:
        return queryset
    # The scope joins townships: narrow by primary key so a merchant serving two townships appears once.
    return queryset.filter(pk__in=queryset.model.objects.filter(scope).values("pk"))


def merchant_application_list(*, user, status: str | None = None) -> QuerySet[MerchantApplication]:
    applications = _scoped(MerchantApplication.objects.all(), user=user)
    if status:
        applications = applications.filter(status=status)
    return applications.select_related("decided_by", "merchant__partner").prefetch_related("townships")


def access_merchant_application_by_id(*, user, application_id: int) -> MerchantApplication:
    application = merchant_application_list(user=user).filter(pk=application_id).first()
    if application is None:
        raise PermissionDenied(_("You may not see this application."))
    return application


def merchant_list(*, user, status: str | None = None, revet_due: bool = False,
                  today: date | None = None) -> QuerySet[Merchant]:
    merchants = _scoped(Merchant.objects.all(), user=user)
    if status:
        merchants = merchants.filter(status=status)
    if revet_due:
        today = today or timezone.localdate()
        merchants = merchants.filter(revet_on__lte=today + timedelta(days=REVET_WARNING_DAYS))
    return merchants.select_related("partner").prefetch_related("townships").order_by("partner__name")


def access_merchant_by_id(*, user, merchant_id: int) -> Merchant:
    merchant = merchant_list(user=user).filter(pk=merchant_id).first()
    if merchant is None:
        raise PermissionDenied(_("You may not see this merchant."))
    return merchant


def merchant_for_user(*, user) -> Merchant | None:
    """The membership whose dashboard `user` works in (a merchant's own account)."""
    if not user.is_authenticated:
        return None
    return Merchant.objects.filter(partner__users=user).select_related("partner").order_by("pk").first()


def suspended_partner_ids() -> frozenset[int]:
    """Partners whose merchant is suspended: their goods are hidden and cannot be ordered."""
    return frozenset(Merchant.objects.filter(status=Merchant.Status.SUSPENDED).values_list("partner_id", flat=True))


def revet_is_due(merchant: Merchant, *, today: date | None = None) -> bool:
    return merchant.revet_on <= (today or timezone.localdate()) + timedelta(days=REVET_WARNING_DAYS)
