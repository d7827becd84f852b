"""The portal's three section pages exist from the first migrate, at fixed addresses (/guides/,
/news/, /phones/), so the site frame can link to them without a query and never to a missing page.
Editors fill them; portal.models.sections refuses another slug."""

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node default
SECTIONS = [
    ("GuideIndexPage", "guides", "办事指南", "按部门或按人生大事查找服务：要带什么材料、多久办好、在哪里办、能不能网上办。"),
    ("NewsIndexPage", "news", "新闻动态", "惠民政策、工作动态和通知公告。"),
    ("PhoneDirectoryPage", "phones", "服务电话", "政务服务热线、紧急电话和水电通信服务电话。各部门和各村服务站的电话也列在这里。"),
]


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


def create_sections(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    home = apps.get_model("portal.HomePage").objects.first()
    if home is None:
        return
    now = timezone.now()
    for model_name, slug, title, intro in SECTIONS:
        if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=slug).exists():
            continue
        last = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by("-path").first()
        number = int(last.path[-4:], len(ALPHABET)) + 1 if last else 1
        model = apps.get_model("portal", model_name)
        model.objects.create(
            title=title, draft_title=title, slug=slug, path=home.path + _step(number), depth=home.depth + 1,
            numchild=0, url_path=f"{home.url_path}{slug}/", live=True, first_published_at=now,
            last_published_at=now, content_type=ContentType.objects.get_for_model(model), locale_id=home.locale_id,
            intro=intro)
        Page.objects.filter(pk=home.pk).update(numchild=Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1).count())


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_guides_news_phones_life_events")]

    operations = [migrations.RunPython(create_sections, migrations.RunPython.noop)]
