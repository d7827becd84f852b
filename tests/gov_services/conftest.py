"""Fixtures of the gov_services tests."""

import pytest

from tests.factories import ServiceItemFactory


@pytest.fixture
def licence(department):
    """食品经营许可 (county bureau) with two sub-items, and a top-level item beside it."""
    parent = ServiceItemFactory(department=department, code="XK-01", name="食品经营许可", lowest_level="village",
                                online_allowed=True)
    return {
        "parent": parent,
        "new": ServiceItemFactory(department=department, code="XK-01-01", name="食品经营许可（新办）",
                                  parent=parent, lowest_level="village", online_allowed=True),
        "renew": ServiceItemFactory(department=department, code="XK-01-02", name="食品经营许可（延续）",
                                    parent=parent, lowest_level="village", online_allowed=True),
        "other": ServiceItemFactory(department=department, code="HJ-09", name="户籍迁移", lowest_level="village"),
    }
