import pytest

from accounts.roles import Role
from tests.core.tsa import _tsa_keys, local_tsa  # noqa: F401  fixtures for every module: a local timestamp authority
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    StationFactory,
    UserFactory,
    county_tree,
    staff_user,
)
from tests.wallet_transport import wallet_http  # noqa: F401  a fixture for every module: the wallets' HTTP transport


@pytest.fixture(autouse=True)
def _fresh_page_caches():
    """The whole-page caches (core/page_cache.py, shop/page_cache.py) live in the process's cache,
    which outlives a test's rollback: start every test with none of the previous test's pages."""
    from core.page_cache import pages_changed
    from shop.page_cache import store_pages_changed

    pages_changed()
    store_pages_changed()


@pytest.fixture(autouse=True)
def _fresh_chart_of_accounts():
    """agency's chart cache (agency/chart.py) keeps committed accounts for the process; a test's rows are
    rolled back (and their ids reused), so every test starts and ends with an empty cache."""
    from agency.chart import chart_cache_clear

    chart_cache_clear()
    yield
    chart_cache_clear()


@pytest.fixture(autouse=True, scope="module")
def _fresh_user_cache():
    """Signed-in users are cached by id (accounts/user_cache.py) and a test's users are rolled back, their
    ids reused by the next test's. Making a user forgets its id (post_save); this forgets, once a module,
    any user made without one (bulk_create, SQL)."""
    from accounts.user_cache import user_cache_clear

    user_cache_clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (zh-hans). A request through the test client activates its
    language in the thread and Django leaves it active afterwards, so without this a test that asked for
    English would switch the next test's service messages to English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def english_messages():
    """Messages are asserted by their English msgids; the zh-hans catalogue must not change that.
    A module (or package) asks for it with pytestmark = pytest.mark.usefixtures("english_messages")."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def tree(db):
    return county_tree()


@pytest.fixture
def station(tree):
    return StationFactory(village=tree["villages"][0])


@pytest.fixture
def other_station(tree):
    """A station in another township: outside an operator's or township admin's scope."""
    return StationFactory(village=tree["villages"][-1])


@pytest.fixture
def operator(station):
    return staff_user(Role.OPERATOR, station=station)


@pytest.fixture
def liaison(station):
    return staff_user(Role.LIAISON, station=station)


@pytest.fixture
def township_admin(tree):
    return staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][0])


@pytest.fixture
def county_admin(tree):
    return staff_user(Role.COUNTY_ADMIN, region=tree["county"])


@pytest.fixture
def resident(db):
    return UserFactory(roles=[Role.RESIDENT])


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def department(tree):
    """A county-level department (民政局-like) serving the whole county."""
    return DepartmentFactory(region=tree["county"])


@pytest.fixture
def officer(department):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.fixture
def private_files(settings, tmp_path):
    """Private storage (scans, signatures) in a fresh directory for the test; yields that directory."""
    from django.utils.functional import empty

    from core.storage import private_storage

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty  # re-read the setting on next use
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty


@pytest.fixture
def request_item(department):
    """An item of `department` to apply for, online too, with an e-form (one required text field),
    a required ID-card scan and an optional household-register scan; promised in 5 working days."""
    from tests.factories import RequiredMaterialFactory, ServiceItemFactory

    item = ServiceItemFactory(
        department=department, name="户籍证明（申请测试）", promised_limit_days=5, online_allowed=True,
        form_schema=[{"name": "purpose", "type": "text", "label": "用途", "required": True}])
    RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
    RequiredMaterialFactory(item=item, name="户口簿", form="scan", required=False, position=2)
    return item


@pytest.fixture
def dispatch_desk(tree):
    """The county's dispatch desk, where unmatched appeals go."""
    return DepartmentFactory(region=tree["county"], is_dispatch_desk=True, name="县便民服务调度中心")


# --- Service catalogue ------------------------------------------------------------------------

@pytest.fixture
def service_item(department):
    from tests.factories import RequiredMaterialFactory, ServiceItemFactory

    item = ServiceItemFactory(department=department, code="HJ-001", name="户籍证明")
    RequiredMaterialFactory(item=item, name="身份证", form="original", position=0)
    RequiredMaterialFactory(item=item, name="户口簿", form="copy", position=1)
    return item
