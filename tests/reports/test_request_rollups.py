"""The daily request rollups (reports/rollups.py): kept exact by the services in the transaction that changes
a request, rebuilt and checked by `manage.py report_rollups`, and read by the report pages with exactly the
figures the requests themselves give. Runs on SQLite and, in CI's second run, on PostgreSQL."""

import datetime
import uuid
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from gov_services.models import Rating, ServiceRequest
from gov_services.requests import services as services
from gov_services.supervision.services.casework import rating_appeal_decide, rating_appeal_submit
from reports.analytics_report import analytics_report
from reports.gov_report import GovKpiParams
from reports.models import RequestRollup
from reports.rollups import request_rollup_differences, request_rollups_rebuild
from reports.selectors.dimensions import Period
from reports.selectors.gov_kpis import kpi_tables
from reports.selectors.request_analytics import request_counts, request_counts_by
from reports.selectors.scope import ReportScope
from stations.models import Region
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceItemFactory,
    UserFactory,
    jpeg_bytes,
    png_bytes,
    upload,
    valid_id_number,
)
from tests.reports.factories import make_request

pytestmark = [pytest.mark.django_db]

EVERY_DIMENSION = [("department",), ("township",), ("station",), ("village",), ("month",), ("item",),
                   ("category",), ("department", "month"), ()]


def _scopes(tree, station, department):
    township = Region.objects.get(path=station.village.path[: Region.steplen * 3])
    return [ReportScope.public(), ReportScope(region_paths=(tree["county"].path,)),
            ReportScope(region_paths=(township.path,)), ReportScope(station_ids=(station.pk,)),
            ReportScope(department_ids=(department.pk,))]


def _both_ways(settings, fn):
    settings.REPORTS_READ_ROLLUPS = False
    from_requests = fn()
    settings.REPORTS_READ_ROLLUPS = True
    return from_requests, fn()


@pytest.fixture
def seeded(kpi_world, tree, department, station, other_station):
    """kpi_world, plus an online appeal from a village, a request with no place at all and one filed just
    before midnight Beijing time (the local day decides the cell), all written straight to the tables."""
    village = other_station.village
    make_request(kind="appeal", appeal_category="road", department=department, village=village,
                 submitted="2026-03-11", accepted="2026-03-11", due="2026-03-25", completed="2026-03-13", score=4)
    make_request(item=ServiceItemFactory(department=department), submitted="2026-03-12")
    late = make_request(item=ServiceItemFactory(department=department), station=station, submitted="2026-03-16",
                        accepted="2026-03-17", due="2026-03-30", completed="2026-03-18", score=1)
    ServiceRequest.objects.filter(pk=late.pk).update(
        submitted_at=datetime.datetime(2026, 3, 16, 15, 59, 30, tzinfo=datetime.UTC))  # 23:59:30 in Beijing
    assert request_rollup_differences()  # written around the services: the rollups do not know them yet
    request_rollups_rebuild()
    return kpi_world


def test_a_rebuild_equals_a_recount_of_the_requests_cell_for_cell(seeded):
    assert request_rollup_differences() == []
    assert sum(RequestRollup.objects.values_list("received", flat=True)) == ServiceRequest.objects.count()


def test_every_kpi_table_from_the_rollups_equals_the_one_from_the_requests(seeded, settings, tree, station,
                                                                           department, march):
    year = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    for scope in _scopes(tree, station, department):
        for period in (march, year):
            from_requests, from_rollups = _both_ways(
                settings, lambda scope=scope, period=period: kpi_tables(scope=scope, period=period,
                                                                         groupings=EVERY_DIMENSION))
            assert from_rollups == from_requests, (scope, period)
    township = Region.objects.get(path=station.village.path[: Region.steplen * 3])
    for filters in ({"department_id": department.pk}, {"station_id": station.pk}, {"township": township}):
        from_requests, from_rollups = _both_ways(settings, lambda filters=filters: kpi_tables(
            scope=ReportScope.public(), period=year, groupings=EVERY_DIMENSION, **filters))
        assert from_rollups == from_requests, filters


def test_analytics_from_the_rollups_equal_the_ones_from_the_requests(seeded, settings, tree, station, department):
    params = GovKpiParams(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
    for scope in _scopes(tree, station, department):
        from_requests, from_rollups = _both_ways(settings, lambda scope=scope: analytics_report(
            scope=scope, params=params, minimum=1))
        # Repeats of equal count in one village come in no set order (ORDER BY count, village): compare them sorted.
        assert sorted(from_rollups.repeats, key=repr) == sorted(from_requests.repeats, key=repr)
        assert replace(from_rollups, repeats=[]) == replace(from_requests, repeats=[])
        for by in ("category", "item", "month", "village", "station", "township", "department"):
            assert _both_ways(settings, lambda scope=scope, by=by: request_counts(
                scope=scope, period=params.period, by=by))[0] == request_counts(scope=scope, period=params.period,
                                                                                by=by)
        from_requests, from_rollups = _both_ways(settings, lambda scope=scope: request_counts_by(
            scope=scope, period=params.period, by=("category", "item", "month", "village", "station")))
        assert from_rollups == from_requests


def test_the_check_command_finds_a_drift_and_the_rebuild_command_mends_it(seeded, capsys):
    call_command("report_rollups", "--check")
    ServiceRequest.objects.filter(pk=seeded["requests"]["r5"].pk).update(completed_at=None, accepted_at=None)
    with pytest.raises(CommandError, match="differ"):
        call_command("report_rollups", "--check")
    call_command("report_rollups", "--rebuild", "--check")
    assert "equal a recount" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("report_rollups")


@pytest.mark.usefixtures("private_files")
def test_the_services_keep_the_rollups_exact_in_their_own_transaction(operator, station, request_item, officer,
                                                                      tree, county_admin, department):
    """File, accept, return, resubmit, review, approve, complete, rate (dissatisfied: a follow-up), appeal the
    rating and set it aside, reroute another request: after every step the rollups equal a recount, with no
    rebuild."""
    id_card = request_item.materials.get(name="身份证")

    def submit():
        return services.service_request_submit(
            actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
            consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
            attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)], signature=png_bytes())

    def exact():
        assert request_rollup_differences() == []

    first, second = submit(), submit()
    exact()
    assert RequestRollup.objects.get().received == 2  # one station, one day, one item: one cell
    services.service_request_accept(request=first, actor=officer)
    exact()
    services.service_request_start_review(request=first, actor=officer)
    services.service_request_approve(request=first, actor=officer, note="同意")
    services.service_request_complete(request=first, actor=officer)
    exact()
    rating = services.service_request_rate(request=first, actor=operator, score=Rating.Score.DISSATISFIED)
    exact()
    assert sum(RequestRollup.objects.values_list("follow_ups", flat=True)) == 1
    appeal = rating_appeal_submit(rating=rating, actor=officer, submission=uuid.uuid4(), reason="不实")
    rating_appeal_decide(appeal=appeal, actor=county_admin, upheld=True, note="核实")
    exact()
    assert sum(RequestRollup.objects.values_list("rated", flat=True)) == 0  # set aside: no longer counts
    services.service_request_return(request=second, actor=officer, note="补充材料")
    exact()
    assert sum(RequestRollup.objects.values_list("returns", flat=True)) == 1
    other = DepartmentFactory(region=tree["county"], name="丙局")
    services.service_request_reroute(request=second, actor=county_admin, department=other, note="职能调整")
    exact()
    assert set(RequestRollup.objects.values_list("department_id", flat=True)) == {department.pk, other.pk}


@pytest.mark.usefixtures("private_files")
def test_the_actions_that_change_no_figure_recount_nothing_and_leave_the_rollups_exact(
        operator, station, request_item, officer, department, monkeypatch):
    """workflow.FIGURES_UNCHANGED, done through their services: no recount, and the rollups still equal a
    recount of the requests afterwards (a counted field one of them did change would show as a difference).
    The counted moves in between recount as before."""
    from gov_services.requests.services import figures
    from gov_services.requests.workflow import FIGURES_UNCHANGED, Action
    from reports import rollups

    recounts = []
    monkeypatch.setattr(figures, "_listeners", [lambda *, request_ids: (recounts.append(list(request_ids)),
                                                                         rollups.request_rollups_refresh(
                                                                             request_ids=request_ids))])
    head = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=head, is_head=True)
    colleague = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=colleague)
    first, second, third = (_submit(operator, station, request_item) for _ in range(3))
    done = []

    def unchanged(action, move):
        before = len(recounts)
        move()
        assert len(recounts) == before, action
        assert request_rollup_differences() == [], action
        done.append(action)

    unchanged(Action.CLAIM, lambda: services.service_request_claim(request=first, actor=officer))
    unchanged(Action.TRANSFER, lambda: services.service_request_transfer(request=first, actor=officer,
                                                                         assignee=colleague, note="休假"))
    unchanged(Action.ASSIGN, lambda: services.service_request_assign(request=first, actor=head, assignee=officer))
    unchanged(Action.NOTE, lambda: services.service_request_note(request=first, actor=officer, note="已电话联系"))
    unchanged(Action.REJECT, lambda: services.service_request_reject(request=third, actor=officer, note="不属实"))
    for request in (first, second):
        services.service_request_accept(request=request, actor=officer)
        unchanged(Action.START_REVIEW, lambda r=request: services.service_request_start_review(request=r,
                                                                                               actor=officer))
    unchanged(Action.APPROVE, lambda: services.service_request_approve(request=first, actor=officer, note="同意"))
    unchanged(Action.REFUSE, lambda: services.service_request_refuse(request=second, actor=officer, note="不符"))
    services.service_request_complete(request=first, actor=officer)
    rating = services.service_request_rate(request=first, actor=operator, score=Rating.Score.DISSATISFIED)
    unchanged(Action.RATING_APPEAL, lambda: rating_appeal_submit(rating=rating, actor=officer,
                                                                 submission=uuid.uuid4(), reason="不实"))
    unchanged(Action.CLOSE, lambda: services.service_request_close(request=first, actor=officer))
    assert len(recounts) == 3 + 2 + 2  # filed ×3, accepted ×2, completed and rated
    # The resident's reports, a step done and the supervision sweep's marks are checked where they are made
    # (test_report_services, test_approval_steps, test_supervision_sweep): the same two assertions.
    assert FIGURES_UNCHANGED - set(done) == {Action.STEP_DONE, Action.PUBLIC_REPLY, Action.ADD_INFORMATION,
                                             Action.EXPIRE, Action.CARD_YELLOW, Action.CARD_RED, Action.ESCALATE}


def _submit(operator, station, request_item):
    return services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
        consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
        attachments=[upload("身份证.jpg", jpeg_bytes(), request_item.materials.get(name="身份证"))],
        signature=png_bytes())


def test_a_batch_recounts_each_request_once_at_its_end_and_a_failed_batch_none(operator, station, request_item,
                                                                                officer, monkeypatch):
    """request_figures_batched (the demo's seeding): inside, the rollups stay as they were; at the end, they
    equal a recount, each changed request recounted once (in chunks); a block that raises recounts nothing."""
    from gov_services.requests.services import figures
    from reports import rollups

    recounted = []
    monkeypatch.setattr(figures, "BATCH_CHUNK", 2)
    monkeypatch.setattr(figures, "_listeners", [lambda *, request_ids: (recounted.append(list(request_ids)),
                                                                         rollups.request_rollups_refresh(
                                                                             request_ids=request_ids))])
    with figures.request_figures_batched():
        filed = [_submit(operator, station, request_item) for _ in range(3)]
        with figures.request_figures_batched():  # nested: the outer block recounts
            for request in filed:
                services.service_request_accept(request=request, actor=officer)
        assert not RequestRollup.objects.exists() and recounted == []
    assert recounted == [sorted(r.pk for r in filed)[:2], sorted(r.pk for r in filed)[2:]]
    assert request_rollup_differences() == [] and RequestRollup.objects.get().accepted == 3
    with pytest.raises(RuntimeError), figures.request_figures_batched():
        services.service_request_return(request=filed[0], actor=officer, note="补充材料")
        raise RuntimeError("the caller's work fails")
    assert len(recounted) == 2
    services.service_request_return(request=filed[1], actor=officer, note="补充材料")  # unbatched again
    assert len(recounted) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_recounting_one_station_day_both_land_on_postgresql(operator, station, request_item,
                                                                            officer, private_files):
    """Two accepts of two requests in the same cell, from two connections at once: the advisory lock makes the
    second recount wait for the first's commit, so neither acceptance is lost."""
    import threading

    from django.db import connection, connections

    assert connection.vendor == "postgresql"
    id_card = request_item.materials.get(name="身份证")
    filed = [services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
        consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
        attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)], signature=png_bytes()) for _ in range(2)]
    barrier, errors = threading.Barrier(2), []

    def accept(request):
        try:
            barrier.wait()
            services.service_request_accept(request=ServiceRequest.objects.get(pk=request.pk), actor=officer)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(request,)) for request in filed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert request_rollup_differences() == []
    assert sum(RequestRollup.objects.values_list("accepted", flat=True)) == 2
