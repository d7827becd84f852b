"""shop's item for the county home's "needs action" list (stations.attention): applications to vet,
counted through the selector the merchant list uses (one query), for those whose role vets them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shop.models import MerchantApplication
from shop.selectors import merchants as selectors
from stations.attention import counted


def application_attention(user, region):
    if not selectors.can_vet_merchants(user=user):
        return []
    count = selectors.merchant_application_list(user=user, status=MerchantApplication.Status.SUBMITTED).count()
    return counted(_("Merchant applications to vet"), reverse("shop:county-merchant-list"), count)


SOURCES = (application_attention,)
