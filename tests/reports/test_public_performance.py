"""The public performance page (/performance/, served by reports) shows the staff reports' KPIs by
department and month, on the public site: in its footer and sitemap, kept by the whole-page cache."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.timeutil import month_start
from reports.selectors.public import public_performance
from tests.factories import DepartmentFactory
from tests.reports.factories import make_request

URL = "/performance/"


@pytest.fixture
def history(tree):
    """民政局: two requests this month (one completed on time and rated 5, one open); 人社局: one
    request last month, completed late, rated 1."""
    civil = DepartmentFactory(region=tree["county"], name="县民政局")
    labour = DepartmentFactory(region=tree["county"], name="县人社局")
    this_month = month_start(timezone.localdate())
    last_month = month_start(timezone.localdate(), -1)
    day = this_month.isoformat()
    make_request(department=civil, submitted=day, accepted=day, due=(this_month + datetime.timedelta(days=20)).isoformat(),
                 completed=day, score=5)
    make_request(department=civil, submitted=day)
    make_request(department=labour, submitted=last_month.isoformat(), accepted=last_month.isoformat(),
                 due=last_month.isoformat(), completed=(last_month + datetime.timedelta(days=9)).isoformat(), score=1)
    return civil, labour


def test_page_shows_received_completion_on_time_and_satisfaction_by_department(client, history):
    html = client.get(URL).content.decode()

    assert "县民政局" in html and "县人社局" in html
    civil_row = html[html.index("县民政局"):html.index("</tr>", html.index("县民政局"))]
    assert ">2<" in civil_row and "50.0%" in civil_row and "100.0%" in civil_row
    labour_row = html[html.index("县人社局"):html.index("</tr>", html.index("县人社局"))]
    assert "0.0%" in labour_row  # completed late, rated unsatisfied


def test_every_table_shows_received_completed_on_time_rated_and_satisfied_with_their_own_labels(client, history):
    html = client.get(URL).content.decode()

    heads = "".join(f'<th scope="col" class="pt-num">{label}</th>' for label in
                    ("收件数", "办结率", "按时办结率", "评价率", "满意率"))
    assert html.replace("\n", "").count(heads) == 1 + 1 + 2  # departments, months, each department by month
    assert "已收材料" not in html and "受理件数" not in html
    civil_row = html[html.index("县民政局"):html.index("</tr>", html.index("县民政局"))]
    # received 2, completed 1 (50 %), on time 1 of 1, rated 1 of 2 (50 %), satisfied 1 of 1
    assert [cell.split("%")[0] for cell in civil_row.split('<td class="pt-num">')[2:]] == ["50.0", "100.0", "50.0",
                                                                                        "100.0"]


def test_county_totals_and_months_come_from_the_kpi_tables(history):
    figures = public_performance(months=12)

    assert figures["total"].received == 3
    assert str(figures["total"].completion_rate) == "66.7"
    assert [row.kpis.received for row in figures["months"]] == [1, 2]
    assert sum(len(rows) for rows in figures["department_months"].values()) == 2


def test_figures_are_cached_for_the_hour(history, django_assert_num_queries):
    public_performance(months=6)
    with django_assert_num_queries(0):
        public_performance(months=6)


def test_only_six_or_twelve_months_are_offered(client, history):
    assert client.get(URL, {"months": "6"}).status_code == 200
    response = client.get(URL, {"months": "999"})
    assert response.status_code == 200 and response.context["months_shown"] == 12


def test_no_requests_shows_dashes_not_zero_percent(client, db):
    html = client.get(URL).content.decode()

    assert "—" in html and "%</dd>" not in html


def test_the_sitemap_and_the_site_footer_link_to_the_page(client, db):
    sitemap = client.get("/sitemap.xml").content.decode()
    footer = client.get("/stations/").content.decode().split('<footer class="cz-footer">')[1]

    assert f"<loc>http://testserver{URL}</loc>" in sitemap
    assert f'href="{URL}"' in footer


def test_an_anonymous_visitor_gets_the_page_from_the_whole_page_cache(client, history):
    first, second = client.get(URL), client.get(URL)

    assert first["X-Portal-Cache"] == "miss" and second["X-Portal-Cache"] == "hit"
    assert "县民政局" in second.content.decode()


def test_bad_ratings_are_published_with_how_they_were_put_right_and_no_one_named(client, history):
    from gov_services.models import FollowUp, Rating, ServiceRequest

    _civil, labour = history
    late = ServiceRequest.objects.get(department=labour)
    late.applicant_name, late.subject = "赵大明", "赵大明的低保"
    late.save()
    assert FollowUp.objects.get(request=late).status == FollowUp.Status.OPEN  # opened by the bad rating
    html = client.get(URL).content.decode()
    section = html[html.index('id="bad-title"'):html.index("</section>", html.index('id="bad-title"'))]
    assert "县人社局" in section and "非常不满意" in section and "待部门回访" in section
    assert "赵大明" not in html and late.tracking_code not in html and "县民政局" not in section

    FollowUp.objects.filter(request=late).update(status=FollowUp.Status.DONE)
    Rating.objects.filter(request=late).update(original_score=1, score=4, rerated_at=timezone.now())
    cache.clear()
    section = client.get(URL).content.decode().split('id="bad-title"')[1]
    assert "已回访，群众重新评价：满意" in section
