"""Spreadsheet imports: refusing hostile or oversized workbooks and importing a normal 1,000-row service
catalogue (gov_services/catalogue/imports.py), with core.spreadsheets against the code before it (the
catalogue's own reader, then gov_services/catalogue_io.py, at BENCH_IMPORTS_BASELINE, default e41a2ed), in
the same run.

Figures (seconds, lower is better; peak memory in MB):
* refusing the 857 KB-style workbook: 5,000 rows × 4,000 cells, a sheet of about 300 MB that packs into
  well under 1 MB (tests/spreadsheet_files.zip_bomb_xlsx) — what held a worker for 318 s. The old code
  runs in its own process, stopped after BENCH_IMPORTS_OLD_LIMIT seconds (default 120); the row then
  shows the limit as a lower bound of the old time;
* refusing an ordinary 20,000-row XLSX (the catalogue's cap is 5,000 rows);
* importing a 1,000-row catalogue (13 columns, materials, fees) into an empty county, CSV and XLSX,
  each run inside a transaction that is rolled back, the median of BENCH_IMPORTS_RUNS runs (default 3),
  old and new interleaved (who goes first alternates); both must create 1,000 items.
Under --short: a 100-row catalogue, a 6,000-row XLSX to refuse, one run, the old reader stopped after 5 s.
The work runs in a child process (`python -m benches.spreadsheet_imports --child`) with Django set up
against BENCH_IMPORTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cz_imports_bench,
migrated on first use); it prints one JSON line.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import types
import zipfile

from benches.harness import (
    POSTGRES_SERVER,
    ROOT,
    Context,
    Row,
    child_json,
    postgres_migrated,
    progress,
    project_env,
)

DEFAULT_URL = f"{POSTGRES_SERVER}/cz_imports_bench"
BASELINE = os.environ.get("BENCH_IMPORTS_BASELINE", "e41a2ed")
RUNS = int(os.environ.get("BENCH_IMPORTS_RUNS", "3"))
OLD_LIMIT = float(os.environ.get("BENCH_IMPORTS_OLD_LIMIT", "120"))
# Set by the parent for its children (smaller under --short).
ROWS = int(os.environ.get("BENCH_IMPORTS_ROWS", "1000"))
MANY_ROWS = int(os.environ.get("BENCH_IMPORTS_MANY_ROWS", "20000"))


def run(ctx: Context) -> list[Row]:
    url = os.environ.get("BENCH_IMPORTS_DATABASE_URL", DEFAULT_URL)
    runs, rows, many, limit = ctx.scaled(RUNS, 1), ctx.scaled(1000, 100), ctx.scaled(20_000, 6_000), OLD_LIMIT
    if ctx.short:
        limit = min(OLD_LIMIT, 5.0)
    env = project_env(
        DATABASE_URL=url,
        BENCH_IMPORTS_RUNS=str(runs),
        BENCH_IMPORTS_ROWS=str(rows),
        BENCH_IMPORTS_MANY_ROWS=str(many),
    )
    postgres_migrated(env, "spreadsheet imports")
    progress(f"spreadsheet imports: ours and the reader at {BASELINE}, {runs} runs each")
    r = child_json("benches.spreadsheet_imports", "--child", env=env)
    progress(
        f"spreadsheet imports: the old reader on the 857 KB-style workbook (stopped after {limit:.0f} s)"
    )
    try:
        old = child_json("benches.spreadsheet_imports", "--old-bomb", env=env, timeout=limit)
        old_bomb, old_note = old["seconds"], f"old: {old['outcome']}"
    except subprocess.TimeoutExpired:
        old_bomb, old_note = limit, f"old: still parsing after {limit:.0f} s, stopped"
    ctx.note(
        f"spreadsheet imports: baseline = gov_services/catalogue_io.py and services/catalogue.py at {BASELINE}; "
        f"857 KB-style file {r['bomb_kb']:,} KB on disk, its sheet {r['bomb_mb']:,} MB unpacked; "
        f"ours refused it with “{r['bomb_message']}”"
    )
    return [
        Row(
            "refuse the 857 KB-style workbook (300 MB sheet)",
            r["ours_bomb"],
            old_bomb,
            fmt="{:,.3f} s",
            better="lower",
            note=old_note,
        ),
        Row(
            "peak Python memory refusing it (ours)",
            r["ours_bomb_mb"],
            None,
            fmt="{:,.1f} MB",
            better="lower",
            note="tracemalloc",
        ),
        Row(
            f"refuse a {many:,}-row XLSX (cap 5,000 rows)",
            r["ours_rows"],
            r["old_rows"],
            fmt="{:,.3f} s",
            better="lower",
            note=f"peak {r['ours_rows_mb']:.1f} MB ours, {r['old_rows_mb']:.1f} MB old",
        ),
        *(Row(f"import a {rows:,}-row catalogue ({kind.upper()})", r[f"ours_{kind}"], r[f"old_{kind}"],
              fmt="{:,.2f} s", better="lower", note=f"median of {runs}")
          for kind in ("csv", "xlsx")),
    ]


# --- the children: Django set up against the bench database ---------------------------------------


def _setup():
    import django

    django.setup()


def _old_modules():
    """The catalogue reader and import service as they were at BASELINE, loaded beside ours. The old code
    imports `gov_services.catalogue_io` and `gov_services.eforms` (that commit's paths; today's are
    gov_services/catalogue/spreadsheets.py and gov_services/catalogue/eforms/): while it loads, those names
    stand for the old reader and today's e-forms, and they are taken away again afterwards."""
    import gov_services
    import gov_services.catalogue.eforms

    def source(path: str) -> str:
        return subprocess.run(
            ["git", "show", f"{BASELINE}:{path}"], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
        ).stdout

    old_io = sys.modules["old_catalogue_io"] = types.ModuleType("old_catalogue_io")  # dataclasses look it up
    old_service = sys.modules["old_catalogue_service"] = types.ModuleType("old_catalogue_service")
    sys.modules["gov_services.eforms"] = gov_services.catalogue.eforms
    try:
        exec(compile(source("gov_services/catalogue_io.py"), "old catalogue_io.py", "exec"), old_io.__dict__)
        # the old service's `from gov_services import catalogue_io` must find the old module
        sys.modules["gov_services.catalogue_io"], gov_services.catalogue_io = old_io, old_io
        exec(
            compile(source("gov_services/services/catalogue.py"), "old services/catalogue.py", "exec"),
            old_service.__dict__,
        )
    finally:
        for name in ("gov_services.eforms", "gov_services.catalogue_io"):
            sys.modules.pop(name, None)
        if hasattr(gov_services, "catalogue_io"):
            del gov_services.catalogue_io
    return old_io, old_service


def _county():
    from gov_services.models import Department
    from stations.models import Region

    county = Region.objects.filter(code="990100").first()
    if county is None:
        city = Region.add_root(name="基准市", code="9901", level="city")
        county = city.add_child(name="基准县", code="990100", level="county")
    for code, name in (("BGA", "基准县公安局"), ("BMZ", "基准县民政局")):
        Department.objects.get_or_create(code=code, defaults={"name": name, "region": county})
    return county


def _catalogue_rows(count: int) -> tuple[list[str], list[list]]:
    from gov_services.catalogue.spreadsheets import COLUMNS

    rows = [
        [
            f"B-{n:04d}",
            f"基准事项{n}",
            "BGA" if n % 2 else "BMZ",
            "公共服务",
            "村级",
            "20",
            "10",
            f"{n % 50}.50",
            "是",
            "否",
            "身份证:原件;户口簿:复印件;照片:扫描件:可选",
            "",
            f"第 {n} 项的说明",
        ]
        for n in range(count)
    ]
    return [column.header for column in COLUMNS], rows


def _timed(call) -> tuple[float, float, object]:
    """(seconds, peak MB of Python allocations, result)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = call()
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, result


def _child() -> None:
    _setup()
    from django.db import transaction

    from gov_services.catalogue.imports import catalogue_import
    from tests.spreadsheet_files import csv_bytes, dense_sheet, xlsx_bytes, xlsx_with_sheet, zip_bomb_xlsx

    _old_io, old_service = _old_modules()
    county = _county()
    header, rows = _catalogue_rows(ROWS)
    files = {"csv": csv_bytes(rows, header), "xlsx": xlsx_bytes(rows, header)}
    bomb = zip_bomb_xlsx()
    many_rows = xlsx_with_sheet(dense_sheet(MANY_ROWS, 13, references=True))

    def ours_import(data, name):
        return catalogue_import(file=io.BytesIO(data), filename=name, actor=None, county=county)

    def old_import(data, name):
        return old_service.catalogue_import(file=io.BytesIO(data), filename=name, actor=None, county=county)

    ours_bomb, ours_bomb_mb, bomb_report = _timed(lambda: ours_import(bomb, "857kb.xlsx"))
    assert not bomb_report.ok, "ours imported the 857 KB-style workbook"
    ours_rows, ours_rows_mb, report = _timed(lambda: ours_import(many_rows, "rows.xlsx"))
    assert "5000" in report.problems[0].message, report.problems
    old_rows, old_rows_mb, result = _timed(lambda: old_import(many_rows, "rows.xlsx"))
    assert not result.ok

    times: dict[str, list[float]] = {"ours_csv": [], "old_csv": [], "ours_xlsx": [], "old_xlsx": []}
    for run in range(RUNS):
        for fmt, data in files.items():
            pair = (("ours", ours_import), ("old", old_import))
            for who, call in pair if run % 2 == 0 else pair[::-1]:  # alternate who goes first
                with transaction.atomic():
                    start = time.perf_counter()
                    result = call(data, f"catalogue.{fmt}")
                    times[f"{who}_{fmt}"].append(time.perf_counter() - start)
                    assert result.ok and result.created == ROWS, (who, fmt, result.problems[:3])
                    transaction.set_rollback(True)
    sheet = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml")
    print(
        json.dumps(
            {
                "ours_bomb": ours_bomb,
                "ours_bomb_mb": ours_bomb_mb,
                "bomb_message": bomb_report.problems[0].message,
                "bomb_kb": len(bomb) // 1024,
                "bomb_mb": sheet.file_size // 2**20,
                "ours_rows": ours_rows,
                "ours_rows_mb": ours_rows_mb,
                "old_rows": old_rows,
                "old_rows_mb": old_rows_mb,
                **{name: statistics.median(values) for name, values in times.items()},
            }
        )
    )


def _old_bomb() -> None:
    """The old reader on the 857 KB-style workbook, in a process of its own (the parent may stop it)."""
    import django

    django.setup()
    from tests.spreadsheet_files import zip_bomb_xlsx

    old_io, _old_service = _old_modules()
    bomb = zip_bomb_xlsx()
    start = time.perf_counter()
    try:
        table = old_io.read_table(io.BytesIO(bomb), "857kb.xlsx")
        outcome = f"read {len(table.rows):,} rows"
    except old_io.CatalogueFileError as error:
        outcome = f"refused: {error}"
    print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome}))


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    elif "--old-bomb" in sys.argv:
        _old_bomb()
    else:
        from benches.harness import format_table

        print(format_table(run(Context())))
