"""Wallet bill imports a user may see: a county admin their county's, the platform's administrator all."""

from django.http import Http404

from shop.models import WalletBillImport
from stations.scope import scope_for


def wallet_bills_for(*, user):
    scope = scope_for(user)
    bills = WalletBillImport.objects.select_related("created_by", "county").defer("content")
    if scope.everything:
        return bills
    if not scope.is_county_admin or not scope.county_path:
        return bills.none()
    return bills.filter(county__path=scope.county_path)


def access_wallet_bill_by_id(*, user, bill_id: int) -> WalletBillImport:
    bill = wallet_bills_for(user=user).filter(pk=bill_id).first()
    if bill is None:
        raise Http404
    return bill
