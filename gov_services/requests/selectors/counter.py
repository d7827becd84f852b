"""Reads of the counter's filing screen that join the catalogue with the station's requests: the items a
station files most come first. The catalogue's own search is gov_services/catalogue/selectors.py (it
knows nothing of requests)."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gov_services.catalogue.selectors import CATALOGUE_ORDER
from gov_services.models import ServiceItem, ServiceRequest

STATION_USE_DAYS = 365


def ranked_by_station_use(items: QuerySet[ServiceItem], *, station_id: int,
                          days: int = STATION_USE_DAYS) -> QuerySet[ServiceItem]:
    """`items` (from service_item_search) with what this station files most first: after the search's own
    match rank (an exact code stays on top), by the station's applications of each item in the last `days`,
    then by code or catalogue order. Each item carries `station_uses`. Still one query (a subquery)."""
    since = timezone.now() - datetime.timedelta(days=days)
    uses = (ServiceRequest.objects.filter(station_id=station_id, item_id=OuterRef("pk"), submitted_at__gte=since)
            .order_by().values("item_id").annotate(n=Count("pk")).values("n"))
    items = items.annotate(station_uses=Coalesce(Subquery(uses, output_field=IntegerField()), Value(0)))
    if "match_rank" in items.query.annotations:
        return items.order_by("match_rank", "-station_uses", "code")
    return items.order_by("-station_uses", *CATALOGUE_ORDER)
