"""Retention of account data (registered with core/retention.py in AccountsConfig.ready).

- `inactive_accounts`: a resident's account (residents only: no staff role, not staff or superuser) with
  no sign-in during the period (since it was made, if never) is anonymised: login name, name, phone and
  e-mail replaced or emptied, password unusable, account disabled, its password history deleted. The row
  stays, so that what it did (requests, orders, audit events) still points at an account; the requests
  keep their own applicant data under their own rules (gov_services/requests/retention.py). Coming back, the
  resident signs up again.
- `sms_codes`: the text messages that carried verification and consent codes (the codes themselves live
  ten minutes in the cache, hashed, never in the database): number masked, text emptied, sooner than
  other messages (core's `sms_texts`).
"""

from __future__ import annotations

import datetime

from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from accounts.models import PasswordHistoryEntry, User
from accounts.roles import Role
from accounts.user_cache import user_cache_forget
from core.retention import RetentionRule
from core.sms_retention import sms_outbox_anonymise

INACTIVE_ACCOUNT_DAYS = 3 * 365
SMS_CODE_DAYS = 30
SMS_CODE_PURPOSES = ("phone_code", "consent_code")
REMOVED_PREFIX = "removed-"
BATCH = 2000


def inactive_accounts_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Anonymise residents' accounts not signed in to since `cutoff`; the number of accounts."""
    staff_roles = [role for role in Role.values if role != Role.RESIDENT]
    inactive = (User.objects.filter(groups__name=Role.RESIDENT, is_staff=False, is_superuser=False)
                .exclude(pk__in=User.objects.filter(groups__name__in=staff_roles).values("pk"))
                .annotate(seen_at=Coalesce("last_login", "date_joined")).filter(seen_at__lt=cutoff)
                .exclude(username__startswith=REMOVED_PREFIX))
    if dry_run:
        return inactive.count()
    users = list(inactive.order_by("pk")[:BATCH])
    for user in users:
        user.set_unusable_password()
        User.objects.filter(pk=user.pk).update(
            username=f"{REMOVED_PREFIX}{user.pk}", full_name="", first_name="", last_name="", phone="", email="",
            is_active=False, password=user.password)
        PasswordHistoryEntry.objects.filter(user=user).delete()
    user_cache_forget([user.pk for user in users])  # .update() sends no post_save
    return len(users)


def sms_codes_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    return sms_outbox_anonymise(cutoff, dry_run, purposes=SMS_CODE_PURPOSES)


RULES = (
    RetentionRule("inactive_accounts", gettext_lazy("Residents' accounts not used for the period (anonymised and "
                                                    "disabled)"), INACTIVE_ACCOUNT_DAYS, inactive_accounts_anonymise),
    RetentionRule("sms_codes", gettext_lazy("Text messages that carried verification and consent codes (number "
                                            "masked, text emptied)"), SMS_CODE_DAYS, sms_codes_anonymise),
)
