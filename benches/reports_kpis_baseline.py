"""The baseline of benches/reports_kpis.py: the county's KPI table by department from hand-written SQL over
the requests, and the check that ours agrees with it figure by figure."""

from __future__ import annotations

# The county's requests: by their own village, else their station's village, else their department's
# region (the scope rule), with the region ids under the county's path.
_SCOPE = """
WITH regions AS (SELECT id FROM stations_region WHERE path LIKE %(path)s)
"""
_IN_COUNTY = """(r.village_id IN (SELECT id FROM regions)
      OR (r.village_id IS NULL AND r.station_id IN (SELECT s.id FROM stations_station s
                                                     WHERE s.village_id IN (SELECT id FROM regions)))
      OR (r.village_id IS NULL AND r.station_id IS NULL
          AND r.department_id IN (SELECT d.id FROM gov_services_department d
                                  WHERE d.region_id IN (SELECT id FROM regions))))"""
_DAYS = """((%(ordinals)s::integer[])[(r.completed_at AT TIME ZONE 'Asia/Shanghai')::date - %(first)s::date + 1]
          - (%(ordinals)s::integer[])[(r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date - %(first)s::date + 1])"""
_RAW_COUNTS = (
    _SCOPE
    + f"""
SELECT r.department_id, count(*),
       count(*) FILTER (WHERE r.accepted_at IS NOT NULL),
       count(*) FILTER (WHERE r.completed_at IS NOT NULL),
       count(*) FILTER (WHERE r.completed_at IS NOT NULL AND r.due_at IS NOT NULL AND r.completed_at <= r.due_at),
       count(rt.id) FILTER (WHERE NOT rt.set_aside),
       count(rt.id) FILTER (WHERE rt.score IN (3, 4, 5) AND NOT rt.set_aside), count(f.id),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY {_DAYS})
FROM gov_services_servicerequest r
LEFT JOIN gov_services_rating rt ON rt.request_id = r.id
LEFT JOIN gov_services_followup f ON f.request_id = r.id
WHERE r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s AND {_IN_COUNTY}
GROUP BY r.department_id
"""
)
_RAW_TOTAL_MEDIAN = (
    _SCOPE
    + f"""
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {_DAYS}) FROM gov_services_servicerequest r
WHERE r.completed_at IS NOT NULL AND r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s AND {_IN_COUNTY}
"""
)
_RAW_RETURNS = (
    _SCOPE
    + f"""
SELECT r.department_id, count(*) FROM gov_services_requestevent e
JOIN gov_services_servicerequest r ON r.id = e.request_id
WHERE e.action = %(return)s AND r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s AND {_IN_COUNTY}
GROUP BY r.department_id
"""
)
_RAW_CARDS = (
    _SCOPE
    + f"""
SELECT c.department_id, c.level, count(*) FROM gov_services_supervisioncard c
JOIN gov_services_servicerequest r ON r.id = c.request_id
WHERE r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s AND {_IN_COUNTY}
GROUP BY c.department_id, c.level
"""
)


def raw_table(period, county_path: str) -> dict:
    """{department name: {figure: value}} and the total's median, from hand-written SQL."""
    import datetime
    from collections import defaultdict

    from django.db import connection
    from django.utils import timezone

    from core.timeutil import end_of_day, start_of_day
    from gov_services.requests.workflow import Action
    from gov_services.selectors.calendar import work_calendar
    from reports.selectors.aggregates import WorkingDayOrdinals, one_decimal

    first = period.start - datetime.timedelta(days=31)
    last = max(period.end, timezone.localdate()) + datetime.timedelta(days=550)
    args = {
        "start": start_of_day(period.start),
        "end": end_of_day(period.end),
        "return": Action.RETURN_FOR_SUPPLEMENT,
        "path": f"{county_path}%",
        "first": first,
        "ordinals": WorkingDayOrdinals(work_calendar(), first, last).values,
    }
    out: dict = defaultdict(lambda: defaultdict(int))
    names = ("received", "accepted", "completed", "completed_on_time", "rated", "satisfied", "follow_ups")
    with connection.cursor() as cursor:
        cursor.execute(_RAW_COUNTS, args)
        for department, *counts, median in cursor.fetchall():
            out[department].update(zip(names, counts, strict=True))
            out[department]["median_days_to_complete"] = one_decimal(median)
        cursor.execute(_RAW_RETURNS, args)
        for department, n in cursor.fetchall():
            out[department]["returns"] = n
        cursor.execute(_RAW_CARDS, args)
        for department, level, n in cursor.fetchall():
            out[department][f"{level}_cards"] += n
        cursor.execute(_RAW_TOTAL_MEDIAN, args)
        total_median = one_decimal(cursor.fetchone()[0])
        cursor.execute("SELECT id, name FROM gov_services_department WHERE id = ANY(%s)", [list(out)])
        labels = dict(cursor.fetchall())
    return {"rows": {labels[d]: dict(figures) for d, figures in out.items()}, "total_median": total_median}


def assert_same(ours: dict, raw: dict) -> None:
    if ours["total_median"] != raw["total_median"]:
        raise RuntimeError(
            f"total median: ours {ours['total_median']}, hand-written SQL {raw['total_median']}"
        )
    for department, figures in ours["rows"].items():
        expected = raw["rows"].get(department, {})
        for name, value in figures.items():
            if (expected.get(name) or 0) != (value or 0):
                raise RuntimeError(
                    f"{department} {name}: ours {value!r}, hand-written SQL {expected.get(name)!r}"
                )
    if set(raw["rows"]) - set(ours["rows"]):
        raise RuntimeError(f"departments missing from ours: {sorted(set(raw['rows']) - set(ours['rows']))}")
