"""At most one active account per mobile number, so that signing in by number is never ambiguous.

Existing duplicates are resolved first, by this rule (safe on a real database: nobody is deleted or
disabled, no password or role changes, nothing but the `phone` field of the accounts that give it up):

1. the account whose username is the number keeps it (it signs in by that number);
2. otherwise the one that signed in most recently (never-signed-in last);
3. then the oldest account.

Every other active account holding that number gets an empty phone. Each such change is printed
and recorded as an audit event "user.phone_cleared" (with the number and the account that kept it),
so that the system administrator can give the number back where it belongs. Reversing the
migration drops the index and gives back nothing.
"""

import sys

from django.db import migrations, models
from django.db.models import Count


def _keeper_order(phone: str):
    def key(user):
        return (user.username != phone, user.last_login is None,
                -(user.last_login.timestamp() if user.last_login else 0), user.pk)
    return key


def resolve_duplicate_phones(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    duplicated = (User.objects.filter(is_active=True).exclude(phone="").values("phone")
                  .annotate(n=Count("pk")).filter(n__gt=1).values_list("phone", flat=True))
    for phone in list(duplicated):
        holders = sorted(User.objects.filter(is_active=True, phone=phone), key=_keeper_order(phone))
        keeper, others = holders[0], holders[1:]
        user_type, _created = ContentType.objects.get_or_create(app_label="accounts", model="user")
        for user in others:
            User.objects.filter(pk=user.pk).update(phone="")
            AuditEvent.objects.create(
                actor=None, action="user.phone_cleared", target_type=user_type, target_id=str(user.pk),
                target_repr=(user.full_name or user.username)[:200],
                data={"phone": phone, "kept_by": keeper.username,
                      "reason": "another active account had the same mobile number"})
            sys.stdout.write(f"\n  accounts: cleared duplicate phone {phone[:3]}****{phone[-4:]} from "
                             f"{user.username!r} (kept by {keeper.username!r})")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_apikey'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0003_sms_outbox'),
    ]

    operations = [
        migrations.RunPython(resolve_duplicate_phones, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True), models.Q(('phone', ''), _negated=True)), fields=('phone',), name='accounts_user_active_phone_unique', violation_error_message='Another active account already has this mobile number.'),
        ),
    ]
