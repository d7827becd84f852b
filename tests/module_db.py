"""Data built once for a whole test module, for modules whose every test would otherwise build it again.

The data is written inside a transaction opened for the module and rolled back when the module is
done, so the rest of the session never sees it; each test still runs in a savepoint of its own (the
`db` fixture), so whatever a test writes is gone before the next one. The tests of such a module
must be ordinary (non-transactional) database tests. tests/access/conftest.py does the same for the
access matrix's world.

    @pytest.fixture(scope="module")
    def _county(django_db_setup, django_db_blocker):
        with module_transaction(django_db_blocker):
            with django_db_blocker.unblock():
                build_the_county()
            yield
"""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker):
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
