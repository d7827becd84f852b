"""Builders for portal pages. Pages are created the way editors create them: added under their
parent and published through a revision (so history, search index and cache signals all happen)."""

import datetime

from portal.models import GuideIndexPage, NewsIndexPage, NewsPage, ServiceGuidePage


def publish(page, user=None):
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page


def add_page(parent, page, user=None):
    page.live = False
    parent.add_child(instance=page)
    return publish(page, user)


def guide_index(home):
    existing = GuideIndexPage.objects.child_of(home).first()
    return existing or add_page(home, GuideIndexPage(title="办事指南", slug="guides"))


def news_index(home):
    existing = NewsIndexPage.objects.child_of(home).first()
    return existing or add_page(home, NewsIndexPage(title="新闻动态", slug="news"))


def make_guide(index, item, **fields):
    fields.setdefault("title", item.name)
    fields.setdefault("slug", item.code.lower())
    return add_page(index, ServiceGuidePage(service_item=item, **fields))


def make_news(index, title, *, date=None, category=NewsPage.Category.WORK, **fields):
    date = date or datetime.date(2026, 11, 1)
    slug = fields.pop("slug", f"n-{abs(hash(title)) % 10**8}")
    return add_page(index, NewsPage(title=title, slug=slug, date=date, category=category, **fields))


def portal_home():
    """The home page with its site and sections, as migrations 0002 and 0005 leave them; rebuilt when a
    transactional test without serialized data (the browser journeys) starts from a flushed database."""
    from wagtail.models import Locale, Page, Site

    from portal.models import HomePage, PhoneDirectoryPage

    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code="zh-hans")
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="村站", slug="home"))
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="村站")
    guide_index(home)
    news_index(home)
    if not PhoneDirectoryPage.objects.exists():
        add_page(home, PhoneDirectoryPage(title="服务电话", slug="phones"))
    return home
