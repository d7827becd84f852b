"""Data a whole test module reads, written once and rolled back when the module is done.

Each test of the module still runs in a savepoint of its own (pytest-django's `db`), so one that
changes the data leaves the next test the data as it was written. Other modules never see it."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker):
    """Open the database for a module-scoped fixture, in a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
