"""Yellow and red supervision cards (gov_services' SupervisionCard), counted per report row.

A card is counted with the request it was issued on, so it falls in the same period as the request
(the cohort: requests received in the period). By department, a card counts against the department
that held the request when the card was issued (SupervisionCard.department), not the one holding it
now: a request rerouted after its red card does not move the card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, F, Q

from gov_services.models import Card, SupervisionCard
from reports.selectors.dimensions import dimension, key_aliases, month_key


def card_counts(cohort_via_request: Q, dimensions: Sequence[str]) -> dict[tuple, dict[str, int]]:
    """{row key: {"yellow_cards": n, "red_cards": n}} over the cards of the cohort's requests
    (`cohort_via_request` reaches ServiceRequest through "request__"), grouped by `dimensions`. One query."""
    keys = {alias: (F("department_id") if name == "department" else dimension(name).expression("request__"))
            for alias, name in key_aliases(dimensions).items()}
    rows = (SupervisionCard.objects.filter(cohort_via_request).values(**keys, level_=F("level"))
            .annotate(n=Count("pk")).order_by())
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: {"yellow_cards": 0, "red_cards": 0})
    for row in rows:
        key = tuple(month_key(row[f"k_{name}"]) if name == "month" else row[f"k_{name}"] for name in dimensions)
        out[key]["yellow_cards" if row["level_"] == Card.YELLOW else "red_cards"] += row["n"]
    return dict(out)
