"""Reads of merchants and their applications, scoped to who is asking (stations/scope).

A superuser sees every merchant; a county or township admin sees the merchants (and
applications) serving at least one township in their region; a merchant's own users see
their own membership; nobody else sees any. One out of scope is a 404, as a missing one.
"""

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from shop.models import Merchant, MerchantApplication, MerchantStatement
from stations.scope import get_in_scope, scope_for

REVET_WARNING_DAYS = 30


def _merchant_rows(queryset: QuerySet, *, user, own: str) -> QuerySet:
    """Rows serving a township in the user's regions, or the user's own membership (`own` names it)."""
    scoped = scope_for(user).filter(queryset.model.objects.all(), place="townships__path", merchant=own)
    # The scope joins townships: narrow by primary key so a merchant serving two townships appears once.
    return queryset.filter(pk__in=scoped.values("pk"))


def merchant_application_list(*, user, status: str | None = None) -> QuerySet[MerchantApplication]:
    applications = _merchant_rows(MerchantApplication.objects.all(), user=user, own="merchant_id")
    if status:
        applications = applications.filter(status=status)
    return applications.select_related("decided_by", "merchant__partner").prefetch_related("townships")


def access_merchant_application_by_id(*, user, application_id: int) -> MerchantApplication:
    return get_in_scope(merchant_application_list(user=user), pk=application_id)


def merchant_list(*, user, status: str | None = None, revet_due: bool = False,
                  today: date | None = None) -> QuerySet[Merchant]:
    merchants = _merchant_rows(Merchant.objects.all(), user=user, own="pk")
    if status:
        merchants = merchants.filter(status=status)
    if revet_due:
        today = today or timezone.localdate()
        merchants = merchants.filter(revet_on__lte=today + timedelta(days=REVET_WARNING_DAYS))
    return merchants.select_related("partner").prefetch_related("townships").order_by("partner__name")


def access_merchant_by_id(*, user, merchant_id: int) -> Merchant:
    return get_in_scope(merchant_list(user=user), pk=merchant_id)


def merchant_statement_list(*, user) -> QuerySet[MerchantStatement]:
    """The statements of the merchants `user` sees."""
    return MerchantStatement.objects.filter(merchant__in=merchant_list(user=user))


def can_vet_merchants(*, user) -> bool:
    """Approve or reject applications: the role's permission (county admins)."""
    return user.has_perm("shop.change_merchantapplication")


def can_manage_merchants(*, user) -> bool:
    """Suspend, reinstate, re-vet merchants and approve their statements (county admins)."""
    return user.has_perm("shop.change_merchant")


def merchant_in_scope(*, user, merchant_id: int) -> bool:
    return merchant_list(user=user).filter(pk=merchant_id).exists()


def application_in_scope(*, user, application_id: int) -> bool:
    return merchant_application_list(user=user).filter(pk=application_id).exists()


def merchant_for_user(*, user) -> Merchant | None:
    """The membership whose dashboard `user` works in (a merchant's own account)."""
    merchant_ids = scope_for(user).merchant_ids
    if not merchant_ids:
        return None
    return Merchant.objects.filter(pk=merchant_ids[0]).select_related("partner").first()


def suspended_partner_ids() -> frozenset[int]:
    """Partners whose merchant is suspended: their goods are hidden and cannot be ordered."""
    return frozenset(Merchant.objects.filter(status=Merchant.Status.SUSPENDED).values_list("partner_id", flat=True))


def revet_is_due(merchant: Merchant, *, today: date | None = None) -> bool:
    return merchant.revet_on <= (today or timezone.localdate()) + timedelta(days=REVET_WARNING_DAYS)
