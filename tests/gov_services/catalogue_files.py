"""Catalogue files for the catalogue import and export tests (test_catalogue_cells.py, test_catalogue_import.py,
test_catalogue_export.py): the header, a row builder, CSV/XLSX builders, the import call and a snapshot of the
catalogue to compare before and after."""

import io
import json

from gov_services.catalogue.imports import catalogue_import
from gov_services.models import ServiceItem
from tests.spreadsheet_files import csv_bytes as _csv_bytes
from tests.spreadsheet_files import xlsx_bytes as _xlsx_bytes

HEADER = ["事项编码", "事项名称", "实施部门", "事项类别", "最低受理层级", "法定时限", "承诺时限", "收费(元)",
          "出具证明", "可网上申请", "申请材料", "电子表单", "说明"]
SCHEMA = [{"name": "purpose", "type": "choice", "label": "用途", "required": True,
           "choices": [["job", "就业"], ["other", "其他"]]}]


def row(code="HJ-01", name="户籍证明", department="GA", category="公共服务", level="村级", legal="5", promised="1",
        fee="0", certificate="是", online="是", materials="身份证:原件;户口簿:原件", schema="", description=""):
    return [code, name, department, category, level, legal, promised, fee, certificate, online, materials, schema,
            description]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    return _csv_bytes(rows, header, encoding=encoding)


def xlsx_bytes(rows, header=HEADER):
    return _xlsx_bytes(rows, header)


def do_import(data, county, filename="目录.csv", actor=None, progress=None):
    return catalogue_import(file=io.BytesIO(data), filename=filename, actor=actor, county=county, progress=progress)


def catalogue_snapshot():
    return sorted(
        (i.code, i.name, i.pinyin_initials, i.department_id, i.category, i.lowest_level, i.legal_limit_days,
         i.promised_limit_days, i.fee_fen, i.issues_certificate, i.online_allowed, json.dumps(i.form_schema),
         i.description, i.issued_by_village_committee, tuple((m.name, m.form, m.required, m.note, m.position) for m in i.materials.all()))
        for i in ServiceItem.objects.prefetch_related("materials")
    )
