"""Oscar's shipping and billing addresses need a country: every order here ships within China."""

from django.db import migrations


def add_china(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    Country.objects.update_or_create(
        iso_3166_1_a2="CN",
        defaults={"iso_3166_1_a3": "CHN", "iso_3166_1_numeric": "156", "printable_name": "中国",
                  "name": "中华人民共和国", "display_order": 1, "is_shipping_country": True})


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_merchants_orders_payments"),
        ("address", "0007_useraddress_code"),
    ]

    operations = [migrations.RunPython(add_china, migrations.RunPython.noop)]
