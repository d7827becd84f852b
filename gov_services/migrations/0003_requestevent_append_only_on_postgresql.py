from django.db import migrations

TRIGGER = """
CREATE TRIGGER gov_services_requestevent_append_only
BEFORE UPDATE OR DELETE ON gov_services_requestevent
FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS gov_services_requestevent_append_only "
                              "ON gov_services_requestevent", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0002_catalogue_requests_calendar"),
        ("core", "0002_auditevent_append_only_on_postgresql"),  # defines cunzhan_forbid_change()
    ]

    operations = [migrations.RunPython(forward, backward)]
