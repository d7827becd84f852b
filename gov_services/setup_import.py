"""Importing departments and staff from CSV/XLSX files, previewed before they are applied
(core/import_jobs.py). Every row is checked first; one bad row and nothing is written; rows go through
the services the screens use (scope, validation, audit); re-importing the same file changes nothing.

Departments (demo/data/departments.csv): 部门编码* | 部门名称* | 层级* (市直 / 县级 / 乡镇) |
所属区划* (the city's, county's or township's division code) | 服务电话 | 调度中心 (是 / 否).

Staff (demo/data/staff.csv): 姓名* | 手机号* | 角色* (代办员 / 联络员 / 科员 / 部门负责人 / 乡镇管理员 / 县级管理员) |
服务站编码 (for 代办员 and 联络员) | 部门编码 (for 科员 and 部门负责人) | 已有账号 | 所属区划 (for 乡镇管理员 the
township's division code; for 县级管理员 the county's, which may be left empty by an admin of one county; the
column may be left out of a file without admins). A row whose number has no account makes a new
account (rows of the file with the same number and name are that one new person); its password is issued
by the admin on the staff page. A number that already has an account never gives that account a post: the
row is refused unless the account already holds exactly that post (a re-import), or the row names the
account in 已有账号 — the explicit choice that lets one person hold several posts.

The importers: setup_import_departments.py and setup_import_staff.py, on the reading and applying they
share (setup_import_rows.py). This module queues them as import jobs.
"""

from __future__ import annotations

import uuid

from accounts.models import User
from core.import_jobs import (
    Progress,
    import_job_apply,
    import_job_is_preview,
    import_job_preview_submit,
    import_job_run,
)
from core.models import ImportJob
from core.spreadsheets import ImportReport
from gov_services.setup_import_departments import department_import
from gov_services.setup_import_staff import staff_import

DEPARTMENT_IMPORT = "gov_services.departments"
STAFF_IMPORT = "gov_services.staff"


def _enqueue(job_id: int) -> None:
    from gov_services.tasks.setup import setup_import_job

    setup_import_job.delay(job_id)


def setup_import_preview(*, kind: str, user: User, upload, idempotency_key: uuid.UUID) -> ImportJob:
    return import_job_preview_submit(user=user, kind=kind, params={}, upload=upload,
                                     idempotency_key=idempotency_key, enqueue=_enqueue)


def setup_import_apply(*, kind: str, user: User, preview_id: int, idempotency_key: uuid.UUID) -> ImportJob:
    return import_job_apply(user=user, preview_job_id=preview_id, kind=kind, idempotency_key=idempotency_key,
                            enqueue=_enqueue)


def setup_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        importer = department_import if job.kind == DEPARTMENT_IMPORT else staff_import
        return importer(file=file, filename=job.filename, actor=job.user, progress=progress,
                        dry_run=import_job_is_preview(job))

    return import_job_run(job_id=job_id, run=run)

