"""Portal fixtures: the page tree under the home page that migrations create and guides linked to
catalogue items. (tests/conftest.py starts every test with an empty whole-page cache.)"""

import pytest

from tests.portal.factories import guide_index, make_guide, news_index


@pytest.fixture
def home(db):
    from portal.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def guides(home):
    return guide_index(home)


@pytest.fixture
def news(home):
    return news_index(home)


@pytest.fixture
def guide(guides, service_item):
    """A published guide for tests.conftest's `service_item` (户籍证明, two materials)."""
    return make_guide(guides, service_item, summary="开具户籍证明", search_keywords="户口证明")
