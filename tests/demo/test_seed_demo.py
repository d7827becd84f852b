import logging
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from core.models import AuditEvent, ImportJob
from demo.management.commands.seed_demo import quiet
from gov_services.models import Department, DepartmentMembership, ServiceItem, ServiceRequest
from stations.models import Household, Region, Station

# What each set-up import brought in from demo/data/: (kind, file) → what its check counted to create.
IMPORTED = {
    ("stations.regions", "regions.csv"): 32,  # the province row is left out
    ("stations.stations", "stations.csv"): 25,
    ("gov_services.departments", "departments.csv"): 17,
    ("gov_services.staff", "staff.csv"): 50,
    ("stations.households", "households.csv"): 56,
    ("agency.setup.providers", "providers.csv"): 12,
    ("agency.setup.plans", "commission_plans.csv"): 7,
    ("agency.setup.products", "products.csv"): 13,
}
CATALOGUE = {"catalogue.csv": 44, "catalogue_subitems.csv": 3}  # imported at once, without a check


def _printed_logins(printed: str) -> list[tuple[str, str]]:
    """(username, first page) from the login table: "  role  username → /path/ (where)"."""
    rows = [line.split("→") for line in printed.splitlines() if "→" in line]
    return [(left.split()[-1], right.split()[0]) for left, right in rows]


def _assert_every_printed_login_lands_on_its_own_workspace(printed: str) -> None:
    logins = _printed_logins(printed)
    assert len(logins) == 17
    for username, first_page in logins:
        client = Client()
        response = client.post("/login/", {"username": username, "password": "cunzhan-demo"}, follow=True)
        assert response.status_code == 200, username
        assert response.request["PATH_INFO"] == first_page, (username, response.redirect_chain)
        assert '<html lang="zh-hans"' in response.content.decode(), username


def _row_counts() -> dict[str, int]:
    # Only models with a table: importing oscar.test.factories (the store's tests do) registers Oscar's
    # own test models, which no migration creates.
    from django.db import connection

    tables = set(connection.introspection.table_names())
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables}


def _assert_master_data_came_through_the_imports() -> None:
    jobs = list(ImportJob.objects.select_related("user").order_by("pk"))
    assert all(job.status == "done" and not job.result["problems"] for job in jobs)
    for (kind, name), created in IMPORTED.items():
        check, applied = [job for job in jobs if (job.kind, job.filename) == (kind, name)]
        # Checked first (a preview that writes nothing), then that check applied.
        assert check.params.get("preview") or check.params.get("apply") is False, name
        assert check.pk in (applied.params.get("preview_of"), applied.params.get("checked")), name
        assert (check.result["created"], applied.result["created"]) == (created, created), name
        expected_user = "admin" if kind == "stations.regions" else "county_admin"
        assert check.user.username == applied.user.username == expected_user, name
    catalogue = {job.filename: job.result["created"] for job in jobs if job.kind == "gov_services.catalogue"}
    assert catalogue == CATALOGUE
    assert len(jobs) == 2 * len(IMPORTED) + len(CATALOGUE)
    # The imports' own audit trail, by the county admin.
    for action in ("stations.imported", "departments.imported", "staff.imported", "catalogue.imported"):
        assert AuditEvent.objects.filter(action=action, actor__username="county_admin").exists(), action
    assert AuditEvent.objects.filter(action="household.imported").count() == 56
    assert AuditEvent.objects.filter(action="region.added", actor__username="admin").count() == 32
    assert Region.objects.get(level="county").code == "130225000000"  # as the file writes it
    assert Household.objects.filter(grid__station__code="LT001").count() == Household.objects.count() == 56
    # Every department has a head to work its queue, from the staff file.
    assert not Department.objects.exclude(memberships__is_head=True).exists()
    assert DepartmentMembership.objects.count() == 18


@pytest.mark.django_db
def test_seed_demo_builds_the_county_prints_every_login_and_a_second_run_changes_nothing():
    """One test, because seeding takes seconds: the county, the logins, the requests, idempotence."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()

    levels = list(Region.objects.values_list("level", flat=True))
    assert levels.count("city") == 1 and levels.count("county") == 1
    assert levels.count("township") >= 4 and levels.count("village") + levels.count("community") >= 20
    assert Station.objects.count() >= 20
    assert {s.tier for s in Station.objects.all()} == set(Station.Tier.values)
    # Every status of the wall map; a closed station is off the map (and out of the public directory).
    assert {s.status for s in Station.objects.all()} == set(Station.Status.values) - {Station.Status.CLOSED}

    for role in Role:
        if role != Role.RESIDENT:
            assert User.objects.filter(groups__name=role.value).exists(), role
    for username in ["county_admin", "township_admin", "operator", "liaison", "officer", "merchant",
                     "editor", "resident", "admin"]:
        assert username in printed
        assert User.objects.get(username=username).check_password("cunzhan-demo")
    assert "100%" in printed  # the progress bar reached the end

    assert ServiceItem.objects.count() >= 40
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses >= {"submitted", "accepted", "under_review", "returned", "completed", "rated", "closed"}
    assert ServiceRequest.objects.filter(kind="appeal").exists()
    from reports.rollups import request_rollup_differences

    assert request_rollup_differences() == []  # the seeding's one recount at the end (request_figures_batched)
    from care.models import CareCall, CareResident, Responder

    assert CareResident.objects.count() >= 3 and Responder.objects.count() == 6
    assert set(CareCall.objects.values_list("status", flat=True)) & {"confirmed", "new"}
    _assert_residents_reports_are_on_the_public_map()
    _assert_master_data_came_through_the_imports()
    _assert_the_demo_wechat_account_answers()
    # The store lists each item once (no "精选" copy at 1.2× the price of the same goods).
    titles = list(apps.get_model("catalogue", "Product").objects.values_list("title", flat=True))
    assert titles and len(titles) == len(set(titles)) and not any(t.startswith("精选") for t in titles)
    _assert_every_printed_login_lands_on_its_own_workspace(printed)

    before = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == before


def _assert_residents_reports_are_on_the_public_map() -> None:
    """Residents' own reports at their stages: one just in, one answered publicly, done and rated, one
    followed by a neighbour; the public list shows them without a name or a phone."""
    from gov_services.models import RequestFollower

    reports = ServiceRequest.objects.filter(channel="web", kind="appeal", is_public=True)
    assert {"submitted", "accepted", "rated"} <= set(reports.values_list("status", flat=True))
    assert all(report.latitude and report.department_id for report in reports)
    assert reports.filter(events__action="public_reply").count() >= 3
    assert RequestFollower.objects.filter(request__in=reports, is_reporter=False).exists()
    page = Client().get("/reports/").content.decode()
    assert "村口路灯不亮" in page and "赵红梅" not in page and "13935000011" not in page


def _assert_the_demo_wechat_account_answers() -> None:
    """The county's official account is connected in safe mode: a resident's message (through the WeChat
    simulator, encrypted as WeChat does) gets an encrypted answer asking what kind of problem it is."""
    from gov_services.channels.models import WeChatAccount
    from gov_services.channels.views_wechat import push_answer
    from gov_services.channels.wechat_simulator import WeChatServerSimulator

    account = WeChatAccount.objects.select_related("channel").get()
    assert account.encoding_aes_key and account.channel.jurisdiction.level == "county"
    simulator = WeChatServerSimulator(account)
    push = simulator.text("oDemoResident0001", "村口路灯坏了")
    status, body = push_answer(account=account, query=push.query, body=push.body)
    assert status == 200 and "回复编号" in simulator.reply_text(body)


def test_while_seeding_the_console_shows_no_informational_logs_and_no_broker_warning(caplog):
    with caplog.at_level(logging.INFO), quiet():
        logging.getLogger("cunzhan.sms").info("SMS to 13900000000: 您的事项已受理")
        logging.getLogger("weasyprint.progress").info("Step 1 - Fetching and parsing HTML")
        logging.getLogger("fontTools.subset").info("maxp pruned")
        logging.getLogger("kombu.connection").warning("No hostname was supplied. Reverting to default 'localhost'")
        logging.getLogger("gov_services").warning("a real problem")
    assert [record.getMessage() for record in caplog.records] == ["a real problem"]
    caplog.clear()
    with caplog.at_level(logging.INFO):  # afterwards, as configured again
        logging.getLogger("cunzhan.sms").info("SMS to 13900000000: 您的事项已办结")
        logging.getLogger("kombu.connection").warning("No hostname was supplied.")
    assert len(caplog.records) == 2
