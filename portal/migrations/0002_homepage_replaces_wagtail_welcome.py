from django.db import migrations


def create_home(apps, schema_editor):
    """Swap Wagtail's "Welcome" page for our HomePage so a bare migrate serves a portal."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("portal.HomePage")

    welcome = Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").first()
    if welcome is None:
        return  # a site that already has its own home page
    path = welcome.path
    welcome.delete()  # the default Site goes with it (CASCADE)
    home = HomePage.objects.create(
        title="村站", draft_title="村站", slug="home", path=path, depth=2, numchild=0, url_path="/home/",
        content_type=ContentType.objects.get_for_model(HomePage),
        locale=Locale.objects.order_by("pk").first(),
        intro="在村里办政务、买好货、缴费充值，一站搞定。",
    )
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="村站")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home, migrations.RunPython.noop)]
