"""The world's report jobs (one finished job per staff user) and API keys (one per signed-in role)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from tests.access.world.base import World


def add_reports(world: World) -> None:
    from reports.gov_report import GovKpiParams
    from reports.jobs import report_job_run
    from reports.services import report_job_request

    people = [(name, role, user) for name, side in world.sides.items() for role, user in side.users.items()
              if role in ("operator", "liaison", "officer", "department_head", "township_admin", "county_admin",
                          "county_finance")]
    people.append(("A", "superuser", world.actors["superuser"]))
    today = timezone.localdate()
    params = {"report": GovKpiParams(date_from=today.replace(month=1, day=1), date_to=today).as_dict(),
              "filter_labels": [], "language": "zh-hans"}
    for name, role, user in people:
        job = report_job_request(user=user, kind="request_rows", file_format="csv", params=params,
                                 idempotency_key=uuid.uuid4())
        job = report_job_run(job_id=job.pk)  # what Celery does after the commit
        assert job.status == "done", job.error
        world.add("report_job", job, tags={"county": name, "user": f"{name}.{role}"})


def add_api_keys(world: World) -> None:
    from accounts.services import api_key_create

    for role, user in world.actors.items():
        if user is not None:
            _key, raw = api_key_create(user=user, name=f"矩阵 {role}", actor=None)
            world.api_keys[role] = raw
