"""The matrix's own instruments: the owner relation and the two witnesses of a database change."""

import pytest
from django.db import transaction

from tests.access import db_changes
from tests.access.policy import relation

STATION_S11 = {"county": "A", "township": "A.T1", "station": "A.S11", "department": "A.D1", "resident": "A"}


@pytest.mark.parametrize(("role", "tags", "expected"), [
    ("operator", STATION_S11, None),
    ("operator", {**STATION_S11, "station": "A.S12"}, "another station"),
    ("operator", {**STATION_S11, "township": "A.T2", "station": "A.S21"}, "another township"),
    ("operator", {"county": "B", "township": "B.T1", "station": "B.S11"}, "another county"),
    ("operator", {"county": "A", "department": "A.D1"}, None),  # a county-wide item offered at the counter
    ("officer", {**STATION_S11, "department": "A.D2"}, "another department"),
    ("township_admin", {**STATION_S11, "township": "A.T2"}, "another township"),
    ("county_admin", {**STATION_S11, "township": "A.T2"}, None),
    ("resident", {**STATION_S11, "resident": "B"}, "another resident"),
    ("merchant", {"county": "A", "merchant": "A.M2"}, "another merchant"),
    ("county_admin", {"county": "A", "user": "A.county_finance"}, "another user"),
    ("superuser", {"county": "B"}, None),
    ("editor", {"global": True}, None),
])
def test_an_object_is_a_roles_own_or_foreign_by_its_tags(role, tags, expected):
    assert relation(role, tags) == expected


def test_on_a_personal_page_only_the_owner_owns_even_a_station_of_ones_own():
    assert relation("operator", STATION_S11, ("resident",)) == "not theirs"
    assert relation("superuser", STATION_S11, ("resident",)) == "not theirs"
    assert relation("resident", STATION_S11, ("resident",)) is None


@pytest.mark.django_db
def test_the_journal_names_a_kept_insert_and_forgets_one_rolled_back():
    from accounts.models import User

    with db_changes.journal() as writes:
        with transaction.atomic():
            User.objects.create(username="kept")
        try:
            with transaction.atomic():
                User.objects.create(username="undone")
                raise RuntimeError
        except RuntimeError:
            pass
    assert writes.tables() == {"accounts_user": 1}


@pytest.mark.django_db
def test_the_journal_ignores_an_update_that_touched_no_row_and_session_saves():
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    with db_changes.journal() as writes:
        User.objects.filter(username="nobody").update(full_name="x")
        SessionStore().create()
    assert writes.tables() == {}


@pytest.mark.django_db
def test_the_fingerprint_changes_with_a_row_count_and_with_the_named_objects_row():
    from tests.factories import UserFactory

    user = UserFactory()
    before = db_changes.fingerprint(user)
    type(user).objects.filter(pk=user.pk).update(full_name="改名")
    assert db_changes.fingerprint(user) != before
    counts = db_changes.fingerprint()
    assert db_changes.fingerprint() == counts
    UserFactory()
    assert db_changes.fingerprint() != counts
