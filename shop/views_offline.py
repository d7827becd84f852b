"""The counter's store work with the network down (/counter/offline/parcels/, /counter/offline/sale/) and
the data the service worker keeps for it (/counter/offline/shelf.json): the station's waiting parcels and
the goods the counter sells.

A waiting parcel is kept with only what the hand-over needs: its reference, the recipient's masked name
and the last four digits of their phone, the cash due, and a salted SHA-256 of its pick-up code (the
browser compares the code the resident reads out with it; the code itself never leaves the server).
A six-digit code can be found from its hash by trying all million codes, so the hash only spares the
operator's computer from holding the codes in the clear: the server checks the real code again at sync,
and the cache is forgotten at sign-out.
"""

import hashlib
import secrets

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views import View

from core.masking import mask_name
from shop.models import OrderPart
from shop.selectors.counter import cash_due_fen, counter_sale_products
from stations.mixins import TillKeeperMixin
from stations.scope import scope_for


def code_hash(salt: str, part_id: int, code: str) -> str:
    """What the browser computes too: sha256("<salt>:<part id>:<code>"), hex."""
    return hashlib.sha256(f"{salt}:{part_id}:{code}".encode()).hexdigest()


def offline_shelf(*, station) -> dict:
    salt = secrets.token_hex(8)
    parcels = []
    parts = OrderPart.objects.filter(station=station, method="pickup", status=OrderPart.Status.READY).select_related(
        "order__fulfilment", "partner").order_by("updated_at")
    for part in parts:
        fulfilment = part.order.fulfilment
        parcels.append({"id": part.pk, "reference": part.reference, "merchant": part.partner.name,
                        "recipient": mask_name(fulfilment.recipient), "phone_last4": fulfilment.phone[-4:],
                        "cash_due_fen": cash_due_fen(part),
                        "code_hash": code_hash(salt, part.pk, part.pickup_code) if part.pickup_code else ""})
    return {"salt": salt, "parcels": parcels, "products": [p.as_json() for p in counter_sale_products()]}


class OfflineShelfView(TillKeeperMixin, View):
    def get(self, request):
        return JsonResponse(offline_shelf(station=scope_for(request.user).till_station),
                            json_dumps_params={"ensure_ascii": False})


class OfflineParcelsView(TillKeeperMixin, View):
    def get(self, request):
        return TemplateResponse(request, "shop/offline/parcels.html", {"station": scope_for(request.user).till_station})


class OfflineSaleView(TillKeeperMixin, View):
    def get(self, request):
        return TemplateResponse(request, "shop/offline/sale.html", {"station": scope_for(request.user).till_station})
