"""Helpers of the application-draft tests (test_application_*.py): the form's key, a wrong ID number,
counting kept files, and posting with the on-commit callbacks run (files are deleted after the commit)."""

import uuid
from pathlib import Path

from django.test import TestCase

from tests.factories import valid_id_number
from tests.gov_services.counter_helpers import url

KEY = uuid.UUID(int=77)


def files_in(root: Path, folder: str) -> int:
    base = Path(root) / folder
    return sum(1 for p in base.rglob("*") if p.is_file()) if base.exists() else 0


def bad_id() -> str:
    good = valid_id_number(1)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


def committed(call, *args, **kwargs):
    """`call` with the on-commit callbacks it registers run (files are deleted after the transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


def post(client, item, data, **extra):
    return committed(client.post, url("counter-application-create", item.pk), data, **extra)
