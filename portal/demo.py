"""Demo portal content and the county editor for `manage.py seed_demo`."""

from django.contrib.auth.models import Group

from portal.models import HomePage
from stations.demo import DemoCounty, demo_user

HOME_INTRO = "在家门口办政务、买好货、缴费充值——乐亭县村级综合服务站，一站搞定。"
HOME_BODY = (
    "<p>全县各村综合服务站由代办员坐班，帮您代办社保、医保、户籍、低保等政务事项，"
    "代缴电费、水费、话费，代购会员商家的优质商品并在村里自提。</p>"
    "<p>办事前可先在本网站查看办事指南，带齐材料到服务站，代办员会把您的申请直接送到县里的主管部门，"
    "办理进度可凭查询码随时查看。</p>"
)


def seed_portal(demo: DemoCounty, progress) -> None:
    home = HomePage.objects.first()
    if home is not None and home.intro != HOME_INTRO:
        home.intro, home.body = HOME_INTRO, HOME_BODY
        home.save_revision().publish()
    editor = demo_user("editor", "周文军", "13934000001")
    editor.groups.add(Group.objects.get(name="Editors"))
    demo.logins.append(("county editor (Wagtail)", "editor", "/cms/"))
    progress.step("portal")
