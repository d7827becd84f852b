"""Demo portal content and the county editor for `manage.py seed_demo`.

Builds the page tree under the home page — guide index with a guide for every demo catalogue item,
news index with a dozen articles, the phone page — plus life events, the editor and moderator
accounts and the moderation workflow. Idempotent: pages are found by slug, life events by slug,
and only what is missing is created; every page is published through a revision, so the CMS
shows its history.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from wagtail.models import Page, Workflow, WorkflowPage

from accounts.roles import Role
from accounts.services import user_role_grant
from demo.seeding import portal_content as content
from demo.seeding.county import DemoCounty
from demo.seeding.people import demo_user
from gov_services.models import ServiceItem
from portal.models import (
    GuideIndexPage,
    HomePage,
    LifeEvent,
    NewsIndexPage,
    NewsPage,
    PhoneDirectoryPage,
    ServiceGuidePage,
)

HOME_INTRO = "在家门口办政务、买好货、缴费充值——乐亭县村级综合服务站，一站搞定。"
HOME_BODY = (
    "<p>全县各村综合服务站由代办员坐班，帮您代办社保、医保、户籍、低保等政务事项，"
    "代缴电费、水费、话费，代购会员商家的优质商品并在村里自提。</p>"
    "<p>办事前可先在本网站查看办事指南，带齐材料到服务站，代办员会把您的申请直接送到县里的主管部门，"
    "办理进度可凭查询码随时查看。</p>"
)
WORKFLOW_NAME = "Moderators approval"  # Wagtail's own default workflow (wagtailcore migrations)


def _publish(page: Page, people) -> None:
    """Written by the editor, published by the moderator: the history reads like the workflow.
    `people` is (editor, moderator); (None, None) in tests that need no accounts."""
    editor, moderator = people
    page.save_revision(user=editor, log_action=True).publish(user=moderator)


def _child(parent: Page, model, slug: str, people, **fields) -> Page:
    """The live child of `parent` with `slug`, created and published when missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = parent.add_child(instance=model(slug=slug, live=False, owner=people[0], **fields))
    _publish(page, people)
    return page


def _richtext(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs if p)


def _steps(item: ServiceItem) -> list[tuple[str, dict]]:
    """How to apply, written from what the catalogue says about the item (read once, at seeding)."""
    steps = []
    if item.online_allowed:
        steps.append(("在网上或到服务站提交申请",
                      "登录本网站，点“网上申请”，填写申请表并拍照上传材料；也可以带齐材料到村服务站，由代办员代您提交。"))
    elif item.lowest_level in ("village", "community"):
        steps.append(("带齐材料到村服务站", "代办员核对材料，代您提交申请，并给您一张带查询码的回执。"))
    else:
        office = {"township": "乡镇便民服务中心", "county": "县政务服务中心", "city": "市政务服务中心"}[item.lowest_level]
        steps.append((f"到{office}提交申请", "带齐下面列出的材料，窗口工作人员当场核对。"))
    steps.append((f"{item.department.name}受理、审核",
                  f"承诺{item.promised_limit_days}个工作日内办结；材料不全会通知您补正，补正期间不计时。"))
    if item.issues_certificate:
        steps.append(("领取结果", "办结后短信通知您，可到村服务站打印证明或到部门窗口领取。"))
    else:
        steps.append(("查看结果", "办结后短信通知您，也可以凭查询码和手机号后四位在本网站查看进度和结果。"))
    steps.append(("评价服务", "办完后请对办理情况进行评价，您的评价计入部门考核。"))
    return [("step", {"title": title, "detail": _richtext(detail)}) for title, detail in steps]


def seed_life_events() -> dict[str, LifeEvent]:
    events = {}
    for order, (slug, name, icon, intro) in enumerate(content.LIFE_EVENTS):
        events[slug], _ = LifeEvent.objects.get_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "intro": intro, "sort_order": order})
    return events


def seed_guides(home: HomePage, people, events: dict[str, LifeEvent]) -> None:
    index = _child(home, GuideIndexPage, "guides", people, title="办事指南",
                   intro="按部门或按人生大事查找服务：要带什么材料、多久办好、在哪里办、能不能网上办。")
    have = set(ServiceGuidePage.objects.values_list("service_item_id", flat=True))
    items = ServiceItem.objects.filter(code__in=content.GUIDES, is_active=True).select_related("department")
    for item in items.order_by("code"):
        if item.pk in have:
            continue
        summary, purpose, eligibility, keywords, slugs, faqs = content.GUIDES[item.code]
        guide = index.add_child(instance=ServiceGuidePage(
            title=item.name, slug=item.code.lower(), live=False, owner=people[0], service_item=item,
            summary=summary, purpose=_richtext(purpose), eligibility=_richtext(eligibility),
            search_keywords=keywords, search_description=summary, steps=_steps(item),
            faqs=[("faq", {"question": q, "answer": _richtext(a)}) for q, a in [*faqs, content.GENERIC_FAQ]],
            life_events=[events[slug] for slug in slugs if slug in events]))
        _publish(guide, people)


def seed_news(home: HomePage, people) -> None:
    index = _child(home, NewsIndexPage, "news", people, title="新闻动态",
                   intro="惠民政策、工作动态和通知公告。")
    for number, (date, category, title, summary, paragraphs) in enumerate(reversed(content.NEWS), start=1):
        _child(index, NewsPage, f"news-{date}-{number}", people, title=title, date=datetime.date.fromisoformat(date),
               category=category,
               summary=summary, search_description=summary,
               body=[("paragraph", _richtext(p)) for p in paragraphs])


def seed_phones(home: HomePage, people) -> None:
    groups = [("group", {"heading": heading, "numbers": [
        {"name": name, "number": number, "hours": hours, "note": note} for name, number, hours, note in numbers]})
        for heading, numbers in content.PHONES]
    _child(home, PhoneDirectoryPage, "phones", people, title="服务电话",
           intro="政务服务热线、紧急电话和水电通信服务电话。各部门和各村服务站的电话也列在这里。", groups=groups)


def seed_workflow(home: HomePage, editor, moderator) -> None:
    """Draft → review → publish: editors submit, moderators approve (Wagtail's default workflow)."""
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator.groups.add(Group.objects.get(name="Moderators"))
    snippet_perms = Permission.objects.filter(content_type__app_label="portal", codename__endswith="lifeevent")
    for name in ("Editors", "Moderators"):
        Group.objects.get(name=name).permissions.add(*snippet_perms)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    if workflow is not None and not WorkflowPage.objects.filter(page__in=[home, *home.get_ancestors()]).exists():
        WorkflowPage.objects.create(page=home, workflow=workflow)


def seed_portal(demo: DemoCounty, progress) -> None:
    editor = demo_user("editor", "周文军", "13934000001")
    moderator = demo_user("moderator", "郑丽华", "13934000002")
    for person in (editor, moderator):  # both work in the CMS; Wagtail's groups say on what
        user_role_grant(user=person, role=Role.EDITOR, actor=None)
    home = HomePage.objects.first()
    if home is not None:
        seed_workflow(home, editor, moderator)
        people = (editor, moderator)
        if home.intro != HOME_INTRO:
            home.intro, home.body = HOME_INTRO, HOME_BODY
            _publish(home, people)
        seed_guides(home, people, seed_life_events())
        seed_news(home, people)
        seed_phones(home, people)
    progress.step("portal")
