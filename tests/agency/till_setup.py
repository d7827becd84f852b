"""Helpers for the till set-up's tests: the terms of a plan, today, and the demo's spreadsheets imported
through the set-up import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.utils import timezone

from agency.services import setup_import
from agency.services.setup_import_sheets import SHEETS

TERMS = {"method": "percentage", "rate_bp": 200, "min_fen": 10, "share_operator_bp": 7000, "share_township_bp": 1000,
         "share_county_bp": 1000, "share_platform_bp": 1000, "tax_rate_bp": 300}


def today() -> date:
    return timezone.localdate()


DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
DEMO_FILES = (("providers", "providers.csv"), ("plans", "commission_plans.csv"), ("products", "products.csv"))


def import_file(kind: str, data: bytes, actor, *, apply: bool = True, name: str = "file.csv"):
    return setup_import.setup_import(sheet=SHEETS[kind], file=data, filename=name, actor=actor,
                                     apply=apply)


def import_demo_files(actor, *, apply: bool = True) -> list:
    return [import_file(kind, (DEMO_DATA / name).read_bytes(), actor, apply=apply, name=name)
            for kind, name in DEMO_FILES]


def rows_in(name: str) -> int:
    return len((DEMO_DATA / name).read_text("utf-8-sig").splitlines()) - 1


PROVIDER_ROWS, PLAN_ROWS, PRODUCT_ROWS = (rows_in(name) for _kind, name in DEMO_FILES)
