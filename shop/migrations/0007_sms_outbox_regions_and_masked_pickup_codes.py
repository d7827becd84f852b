"""The outbox rows queued before messages carried their region and kept one-time codes out of sight:
a pick-up code's message gets its station's village and the code masked (the clear text sealed while
the message still waits to be sent, wiped otherwise); a merchant decision's message gets the region
holding the townships the merchant applied for."""

import re

from django.db import migrations

from core.sms import SECRET_MASK, outbox_seal

BATCH = 1000
STEPLEN = 4  # treebeard's materialised-path step, which Region keeps (historical models do not carry it)
# The pick-up text (shop/services/orders.py), as queued in Chinese (and in English, should any be).
PICKUP_CODE = re.compile(r"(取货码|Pick-up code )(\d{6})")


def _common_path(paths) -> str:
    paths = list(paths)
    common = paths[0] if paths else ""
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[:-STEPLEN]
    return common


def forward(apps, schema_editor):
    outbox = apps.get_model("core", "SmsOutboxMessage")
    order_part = apps.get_model("shop", "OrderPart")
    application = apps.get_model("shop", "MerchantApplication")

    pickups = outbox.objects.filter(purpose="pickup_code")
    villages = dict(order_part.objects.filter(reference__in=set(pickups.values_list("reference", flat=True)))
                    .values_list("reference", "station__village__path"))
    changed = []
    for message in pickups.iterator(chunk_size=BATCH):
        clear = message.text
        message.text = PICKUP_CODE.sub(lambda m: m.group(1) + SECRET_MASK, clear)
        if message.text != clear and message.status != "sent" and not message.sealed_text:
            message.sealed_text = outbox_seal(clear)  # still to be sent (or sent again)
        message.region_path = message.region_path or villages.get(message.reference, "")
        changed.append(message)
        if len(changed) == BATCH:
            outbox.objects.bulk_update(changed, ["text", "sealed_text", "region_path"])
            changed = []
    outbox.objects.bulk_update(changed, ["text", "sealed_text", "region_path"])

    decisions = outbox.objects.filter(purpose="merchant_vetting", region_path="")
    for app in application.objects.filter(reference__in=set(decisions.values_list("reference", flat=True))):
        path = _common_path(t.path for t in app.townships.all())
        decisions.filter(reference=app.reference).update(region_path=path)


class Migration(migrations.Migration):

    dependencies = [
        ("shop", "0006_payment_refunded_attempts"),
        ("core", "0005_sms_outbox_region_and_sealed_text"),
        ("stations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
