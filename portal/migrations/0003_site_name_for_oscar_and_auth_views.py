from django.db import migrations


def name_the_site(apps, schema_editor):
    """Django's Sites record feeds Oscar's e-mails and the auth views: call it 村站, not example.com."""
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "村站 Cunzhan"})


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_homepage_replaces_wagtail_welcome"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
