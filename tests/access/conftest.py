"""The matrix's fixtures: one world per test module, rolled back when the module is done.

The world is written inside a transaction the module opens (and rolls back at its end), so the
other tests of the session never see it; each test then runs in a savepoint of its own, as
pytest-django's `db` fixture does for any test. Signed-in clients are made once per module too:
their sessions are rows of that same transaction.
"""

import copy
import logging
import shutil
import tempfile
import time

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils.functional import empty

from accounts.middleware import LAST_SEEN
from accounts.models import User
from accounts.user_cache import cached_user, with_what_is_kept
from tests.access.world import ROLES, build_world
from tests.module_data import module_transaction

SIMULATORS = {
    "AGENCY_PROVIDER_ADAPTERS": {"simulator": {
        "BACKEND": "agency.providers.simulator.SimulatorAdapter",
        "OPTIONS": {"latency_ms": 0, "decline_rate": 0.0, "timeout_rate": 0.0, "seed": 1}}},
    "AGENCY_CARD_TERMINAL": "simulator",
    "AGENCY_CARD_TERMINALS": {"simulator": {
        "BACKEND": "agency.card_terminals.simulator.SimulatorTerminal", "OPTIONS": {"seed": 1}}},
    "SHOP_CARD_SIMULATOR": True,  # the demo's card gateway, as `make demo` runs it
}


def _reset_cached_backends() -> None:
    from agency.card_terminals import terminal_cache_clear
    from agency.providers import adapter_cache_clear
    from core.storage import private_storage

    private_storage._wrapped = empty  # re-read PRIVATE_MEDIA_ROOT on next use
    adapter_cache_clear()
    terminal_cache_clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The two-county world (tests/access/world/), built once for the module and rolled back after it."""
    files = tempfile.mkdtemp(prefix="access-matrix-")
    settings = override_settings(PRIVATE_MEDIA_ROOT=f"{files}/private", MEDIA_ROOT=f"{files}/media", **SIMULATORS)
    quiet = _quiet_loggers()
    settings.enable()
    _reset_cached_backends()
    try:
        with module_transaction(django_db_blocker):
            built = build_world()
            built.clients = _clients(built)
            built.cookies = {role: copy.deepcopy(client.cookies) for role, client in built.clients.items()}
            built.signed_in = _signed_in_users(built)
            _forget_commit_callbacks()
            yield built
    finally:
        settings.disable()
        _reset_cached_backends()
        shutil.rmtree(files, ignore_errors=True)
        for logger, level in quiet:
            logger.setLevel(level)


def _quiet_loggers() -> list[tuple[logging.Logger, int]]:
    """Thousands of refusals are the point here: Django's log line (and traceback) for each 403 and 404,
    and WeasyPrint's progress, would bury the one line that matters."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "weasyprint",
                                                   "weasyprint.progress")]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    return saved


def _clients(world) -> dict[str, Client]:
    """One client per role, signed in once (its session row lives in the module's transaction)."""
    clients = {}
    for role in ROLES:
        client = Client()
        user = world.actors[role]
        if user is not None:
            client.force_login(user)
            _seen_all_module(client)
        clients[role] = client
    return clients


def _seen_all_module(client: Client) -> None:
    """A staff session is touched (a session write) when its idle clock is a minute old; each row's writes
    are rolled back, so after the module's first minute every request would write it again. Marked as seen
    a day ahead, no request of the module needs to (the idle clock itself: tests/accounts/test_staff_sessions.py)."""
    session = client.session
    if LAST_SEEN in session:
        session[LAST_SEEN] = int(time.time()) + 24 * 3600
        session.save()


def _signed_in_users(world) -> list[User]:
    """The signed-in actors as a request loads them (with their roles and permissions), to keep in the user
    cache."""
    return [with_what_is_kept(user) for user in
            User.objects.filter(pk__in=[user.pk for user in world.actors.values() if user is not None])]


def _forget_commit_callbacks(keep: int = 0) -> None:
    """The module's transaction is rolled back, never committed: the on-commit callbacks its rows leave
    (cache forgets, hand-offs) never run. Kept, every savepoint rolled back later (each refused POST) scans
    them all — ~2,000 by the module's end."""
    del connection.run_on_commit[keep:]


@pytest.fixture
def in_world(world, db):
    """The world, for a test that runs in a savepoint of the module's transaction. Its signed-in users go
    back into the user cache (accounts/user_cache.py), which every test starts empty: as a row's changes
    are rolled back, the users are again as they were loaded, and the row's requests find them there."""
    for user in world.signed_in:
        cached_user(user.pk, lambda _pk, user=user: copy.deepcopy(user))
    kept = len(connection.run_on_commit)
    yield world
    _forget_commit_callbacks(kept)
