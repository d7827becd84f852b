"""The supervision screens: who gets in, what each admin sees (a township admin only their township),
the outcome form, the settings and chain, and the department assessment."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from gov_services.models import Escalation, EscalationStep, FollowUp, Rating, SupervisionSettings
from gov_services.supervision.department_assessment import department_assessment
from gov_services.supervision.services.sweep import supervision_sweep_run
from tests.factories import DepartmentFactory, ServiceItemFactory, ServiceRequestFactory
from tests.gov_services.supervision_helpers import Office, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(tree):
    return Office(tree)

ACCEPTED = at(2025, 3, 3, 10)
RED_TIME = at(2025, 3, 18, 9)


@pytest.fixture
def carded(office):
    """One red-carded request in each of the two townships, after a sweep."""
    mine = office.accepted(ACCEPTED, township=0)
    theirs = office.accepted(ACCEPTED, township=1)
    supervision_sweep_run(now=RED_TIME)
    return {"mine": mine, "theirs": theirs}


BOARD = reverse("gov_services:supervision-board")
LIST = reverse("gov_services:supervision-request-list")
ESCALATIONS = reverse("gov_services:escalation-list")


@pytest.mark.parametrize("who", ["operator", "officer", "resident"])
def test_the_board_is_only_for_admins(client, request, who, carded):
    client.force_login(request.getfixturevalue(who))
    assert client.get(BOARD).status_code == 403
    assert client.get(ESCALATIONS).status_code == 403


def test_the_board_asks_anonymous_visitors_to_sign_in(client):
    assert client.get(BOARD).status_code == 302


def test_a_county_admin_sees_every_township_with_counts(client, county_admin, carded, office):
    client.force_login(county_admin)
    response = client.get(BOARD)
    assert response.status_code == 200
    assert (response.context["totals"].open, response.context["totals"].red) == (2, 2)
    [row] = response.context["by_department"]
    assert (row.name, row.red, row.yellow) == (office.department.name, 2, 0)
    assert sorted(r.red for r in response.context["by_township"]) == [1, 1]
    listed = client.get(LIST, {"card": "red"}).context["requests"]
    assert {r.pk for r in listed} == {carded["mine"].pk, carded["theirs"].pk}


def test_a_township_admin_sees_only_their_township(client, township_admin, carded, tree):
    client.force_login(township_admin)
    response = client.get(BOARD)
    assert response.context["totals"].red == 1
    assert [r.name for r in response.context["by_township"]] == [tree["townships"][0].name]
    assert [r.pk for r in client.get(LIST).context["requests"]] == [carded["mine"].pk]
    shown = {e.request_id for e in client.get(ESCALATIONS).context["escalations"]}
    assert shown == {carded["mine"].pk}
    theirs = Escalation.objects.get(request=carded["theirs"])
    assert client.get(reverse("gov_services:escalation-detail", args=[theirs.pk])).status_code == 404


def test_the_drill_down_filters_by_department_and_card(client, county_admin, carded, office):
    client.force_login(county_admin)
    assert len(client.get(LIST, {"department": office.department.pk, "card": "red"}).context["requests"]) == 2
    assert len(client.get(LIST, {"card": "yellow"}).context["requests"]) == 0


def test_the_drill_down_filters_by_township_and_reports_a_stale_card_in_chinese(client, county_admin, carded, tree):
    client.force_login(county_admin)
    mine = client.get(LIST, {"township": tree["townships"][0].pk})
    assert [r.pk for r in mine.context["requests"]] == [carded["mine"].pk] and mine.context["filtered"]
    stale = client.get(LIST, {"card": "purple", "township": tree["townships"][1].pk})
    assert stale.status_code == 200
    assert "不在可用的选项中" in stale.context["form"].errors["card"][0]
    assert [r.pk for r in stale.context["requests"]] == [carded["theirs"].pk]  # the township still applies


def test_a_stale_escalation_status_is_reported_in_chinese_and_leaves_the_list_whole(client, county_admin, carded):
    client.force_login(county_admin)
    response = client.get(ESCALATIONS, {"status": "lost", "tasks": "on"})
    assert response.status_code == 200
    assert "不在可用的选项中" in response.context["form"].errors["status"][0]
    assert len(response.context["escalations"]) == Escalation.objects.count()
    assert not response.context["task_list"]
    assert client.get(ESCALATIONS, {"status": "open", "tasks": "on"}).context["task_list"]


def test_the_county_admin_records_a_call_from_the_task_list(client, county_admin, carded):
    client.force_login(county_admin)
    tasks = client.get(ESCALATIONS, {"status": "open", "tasks": "on"}).context["escalations"]
    assert len(tasks) == 2
    url = reverse("gov_services:escalation-detail", args=[tasks[0].pk])
    response = client.post(url, {"call_made": "on", "outcome": "已电话督办，承诺三日内办结"})
    assert response.status_code == 302
    done = Escalation.objects.get(pk=tasks[0].pk)
    assert (done.status, done.handled_by, done.call_made_at is not None) == ("done", county_admin, True)
    again = client.post(url, {"call_made": "on", "outcome": "重复提交"}, follow=True)
    assert "已电话督办" in Escalation.objects.get(pk=tasks[0].pk).outcome
    assert any(str(county_admin) in str(m) for m in again.context["messages"])


def test_an_empty_outcome_shows_the_error_beside_the_field(client, county_admin, carded):
    client.force_login(county_admin)
    task = Escalation.objects.filter(task="call").first()
    response = client.post(reverse("gov_services:escalation-detail", args=[task.pk]), {"outcome": ""})
    assert response.status_code == 422 and response.context["form"].errors["outcome"]
    assert Escalation.objects.get(pk=task.pk).status == "open"


def test_a_township_admin_sees_the_task_but_gets_no_form(client, township_admin, carded):
    client.force_login(township_admin)
    task = Escalation.objects.get(request=carded["mine"])
    response = client.get(reverse("gov_services:escalation-detail", args=[task.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(reverse("gov_services:escalation-detail", args=[task.pk]), {"outcome": "x"}).status_code == 403
    assert Escalation.objects.get(pk=task.pk).status == "open"


def test_the_request_page_shows_the_card(client, county_admin, carded):
    client.force_login(county_admin)
    response = client.get(reverse("gov_services:county-request-detail", args=[carded["mine"].pk]))
    badge = 'cz-deadline--overdue"><span class="cz-badge cz-deadline__badge">'
    assert response.content.decode().count(badge) == 1


def test_the_board_counts_open_requests_by_card_and_the_report_counts_cards_issued_under_other_labels(
        client, county_admin, carded):
    client.force_login(county_admin)
    board = client.get(BOARD).content.decode()
    assert "黄牌在办件" in board and "红牌在办件" in board and ">黄牌<" not in board
    today = timezone.localdate().isoformat()  # the office's requests are stored as submitted today
    report = client.get(reverse("reports:gov-kpis"), {"date_from": today, "date_to": today})
    total = report.context["report"].total
    assert (total.yellow_cards, total.red_cards) == (2, 2)  # each red-carded request had its yellow card first
    assert "发出黄牌 / 红牌数" in report.content.decode()


def test_the_county_home_links_to_the_board(client, county_admin):
    client.force_login(county_admin)
    assert BOARD in client.get(reverse("stations:county-home")).content.decode()


# --- Settings and chain ----------------------------------------------------------------------------

SETTINGS = reverse("gov_services:supervision-settings")
VALID = {"yellow_percent": 80, "red_percent": 100, "returned_close_days": 15, "weight_on_time": 50,
         "weight_satisfaction": 30, "weight_red_cards": 10, "weight_follow_ups": 10}


def test_a_county_admin_changes_the_thresholds(client, county_admin, tree):
    client.force_login(county_admin)
    assert client.post(SETTINGS, VALID).status_code == 302
    config = SupervisionSettings.objects.get(county=tree["county"])
    assert (config.yellow_percent, config.returned_close_days, config.weight_on_time) == (80, 15, 50)


def test_a_red_card_before_the_yellow_is_refused_beside_the_field(client, county_admin, tree):
    client.force_login(county_admin)
    response = client.post(SETTINGS, {**VALID, "yellow_percent": 100, "red_percent": 90})
    assert response.status_code == 422
    assert len(response.context["form"].errors["red_percent"]) == 1
    assert not SupervisionSettings.objects.filter(red_percent=90).exists()


def test_a_township_admin_may_look_at_the_settings_but_not_change_them(client, township_admin, tree):
    client.force_login(township_admin)
    assert client.get(SETTINGS).status_code == 200
    assert client.post(SETTINGS, VALID).status_code == 403
    assert client.get(reverse("gov_services:escalation-step-create")).status_code == 403


def test_a_county_admin_adds_and_deactivates_a_step(client, county_admin, tree):
    client.force_login(county_admin)
    response = client.post(reverse("gov_services:escalation-step-create"), {
        "label": "黄牌抄送局长", "card": "yellow", "after_days": 1, "notify": "head", "task": "none", "position": 15})
    assert response.status_code == 302
    step = EscalationStep.objects.get(label="黄牌抄送局长")
    assert step.county == tree["county"] and step.is_active
    response = client.post(reverse("gov_services:escalation-step-update", args=[step.pk]), {
        "label": "黄牌抄送局长", "card": "yellow", "after_days": 1, "notify": "head", "task": "none",
        "position": 15})  # the "active" box left unticked
    assert response.status_code == 302
    step.refresh_from_db()
    assert not step.is_active
    assert EscalationStep.objects.filter(county=tree["county"]).count() == 4  # the default three + this one


# --- Assessment ------------------------------------------------------------------------------------

def test_the_assessment_scores_and_ranks_departments_for_the_month(office, county_admin, tree):
    office.accepted(ACCEPTED, status="completed", completed_at=at(2025, 3, 20))          # late
    good = office.accepted(ACCEPTED, status="rated", completed_at=at(2025, 3, 10))
    bad = office.accepted(ACCEPTED, status="rated", completed_at=at(2025, 3, 12))
    office.accepted(ACCEPTED)                                                              # still open
    supervision_sweep_run(now=RED_TIME)                                                    # one red card
    Rating.objects.create(request=good, score=5)
    Rating.objects.create(request=bad, score=1)
    FollowUp.objects.create(request=bad)
    Rating.objects.update(at=at(2025, 3, 15))
    FollowUp.objects.update(opened_at=at(2025, 3, 15))
    other = DepartmentFactory(region=tree["county"], name="县人社局")
    item = ServiceItemFactory(department=other, promised_limit_days=10)
    ServiceRequestFactory(item=item, village=tree["villages"][0], status="completed", accepted_at=ACCEPTED,
                          due_at=at(2025, 3, 17, 23), completed_at=at(2025, 3, 5))
    rows = department_assessment(user=county_admin, county=tree["county"], month=date(2025, 3, 1))
    mine, theirs = rows
    assert theirs.department == office.department and mine.department == other
    figures = theirs.figures
    assert (figures.completed, figures.on_time, figures.rated, figures.satisfied) == (3, 2, 2, 1)
    assert (figures.red_cards, figures.follow_ups, figures.follow_ups_done) == (1, 1, 0)
    # 40·⅔ + 30·½ + 20·(1 − ⅓) + 10·0 = 55
    assert (theirs.rank, str(theirs.score)) == (2, "55.0")
    assert (mine.rank, str(mine.score)) == (1, "100.0")
    assert department_assessment(user=county_admin, county=tree["county"], month=date(2025, 4, 1))[0].score is None


def test_the_assessment_page_shows_the_ranking(client, township_admin, office):
    client.force_login(township_admin)
    response = client.get(reverse("gov_services:department-assessment"), {"month": "2025-03"})
    assert response.status_code == 200 and response.context["month"] == date(2025, 3, 1)
    assert office.department in [r.department for r in response.context["rows"]]


def test_every_supervision_page_renders_for_a_county_admin(client, county_admin, carded, tree):
    client.force_login(county_admin)
    step = EscalationStep.objects.filter(county=tree["county"]).first()
    task = Escalation.objects.first()
    for url in (BOARD, LIST, ESCALATIONS, f"{ESCALATIONS}?status=open&tasks=on", SETTINGS,
                reverse("gov_services:escalation-detail", args=[task.pk]),
                reverse("gov_services:department-assessment"),
                reverse("gov_services:escalation-step-create"),
                reverse("gov_services:escalation-step-update", args=[step.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "督办" in response.content.decode(), url
