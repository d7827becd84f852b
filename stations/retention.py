"""Retention of the grids' household register (registered with core/retention.py in StationsConfig.ready).

`households`: a household that moved out or was deregistered (Household.left_at, set by
services_households.household_mark_left) is anonymised once the period has passed since: its members
(names, ID numbers, phones, relations) are deleted, the head's name masked, the phone and the care flags
cleared. The house number and the grid stay (the register's counts per grid), as do the audit events.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from core.masking import mask_name
from core.retention import RetentionRule
from stations.models import Household, HouseholdMember

HOUSEHOLD_DAYS = 365
BATCH = 2000


def households_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Anonymise households that left before `cutoff`; the number of households."""
    pending = (Household.objects.filter(left_at__lt=cutoff)
               .annotate(has_members=Exists(HouseholdMember.objects.filter(household=OuterRef("pk"))))
               .filter(Q(has_members=True) | ~Q(phone="") | Q(elderly_alone=True) | Q(disabled_member=True)
                       | Q(low_income=True) | (~Q(head_name__contains="*") & Q(head_name__regex=r"^.{2,}$"))))
    if dry_run:
        return pending.count()
    households = list(pending.order_by("pk").only("pk", "head_name")[:BATCH])
    for household in households:
        HouseholdMember.objects.filter(household=household).delete()
        name = household.head_name if "*" in household.head_name else mask_name(household.head_name)
        Household.objects.filter(pk=household.pk).update(head_name=name, phone="", elderly_alone=False,
                                                         disabled_member=False, low_income=False)
    return len(households)


RULES = (
    RetentionRule("households", gettext_lazy("Households that moved out or were deregistered (members deleted, "
                                             "the rest anonymised)"), HOUSEHOLD_DAYS, households_anonymise),
)
