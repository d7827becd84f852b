"""Helpers for the administrative tree's tests (tests/stations/regions/): the demo file, codes of the demo
county, CSV files built in memory and look-ups by code."""

import csv
import io
from pathlib import Path

from accounts.roles import Role
from stations.models import Region
from stations.regions import codes
from tests.factories import StaffAssignmentFactory, UserFactory

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "data" / "regions.csv"
HEADER = ["区划代码", "名称", "上级代码", "层级", "纬度", "经度"]
CITY, COUNTY = "130200000000", "130225000000"
T1, T2 = "130225100000", "130225101000"  # 乐亭镇, 汤家河镇


def csv_file(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def demo_rows() -> list[list[str]]:
    with DEMO_FILE.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def by_code(code: str) -> Region:
    return Region.objects.get(code__in=codes.short_forms(code))


def admin_of(code: str, role=Role.COUNTY_ADMIN):
    user = UserFactory(roles=[role])
    StaffAssignmentFactory(user=user, role=role.value, region=by_code(code))
    return user


def outcomes(report) -> dict[str, tuple[str, list[str]]]:
    return {entry["code"]: (entry["outcome"], entry["kinds"]) for entry in report.entries}
