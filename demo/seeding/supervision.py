"""Supervision demo data for `manage.py seed_demo`: the county's settings and default chain, sweeps over
the demo requests at a few recent moments (so cards, calls and referrals have a history), and one call
already recorded by the county admin. Idempotent: sweeps issue nothing twice and the recorded call is
looked for before it is made.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from demo.seeding.county import DemoCounty
from gov_services.models import Escalation, EscalationStep, SupervisionSweep
from gov_services.supervision.services.casework import escalation_record_outcome
from gov_services.supervision.services.county_settings import supervision_settings_ensure
from gov_services.supervision.services.sweep import supervision_sweep_run

SWEEP_DAYS_AGO = (10, 6, 3, 1, 0)


def seed_supervision(demo: DemoCounty, progress) -> None:
    supervision_settings_ensure(county=demo.county)
    # A second seed_demo at a later moment would sweep (and record sweeps) again: once is the history.
    if not SupervisionSweep.objects.filter(trigger=SupervisionSweep.Trigger.DEMO).exists():
        now = timezone.now()
        for days in SWEEP_DAYS_AGO:
            supervision_sweep_run(now=now - timedelta(days=days), trigger=SupervisionSweep.Trigger.DEMO)
    _record_one_call()
    progress.step("supervision")


def _record_one_call() -> None:
    admin = User.objects.filter(username="county_admin").first()
    calls = Escalation.objects.filter(task=EscalationStep.Task.CALL).order_by("issued_at", "pk")
    if admin is None or calls.filter(status=Escalation.Status.DONE).exists():
        return
    first = calls.filter(status=Escalation.Status.OPEN).first()
    if first is not None:
        escalation_record_outcome(escalation=first, actor=admin, call_made=True,
                                  outcome="已电话督办，科室负责人说明材料待核实，承诺两个工作日内办结。")
