"""Fixtures of the gov_services tests."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    RoutingRuleFactory,
    ServiceItemFactory,
    UserFactory,
)

# The certificate fixtures, for every module of this package.
from tests.gov_services.certificate_helpers import (  # noqa: F401
    approved,
    cert_item,
    holder,
    issued,
    issued_no_pdf,
    seal,
    station_operator,
)


@pytest.fixture
def mapped_tree(tree):
    """The test county's villages with points on the map (about 11 km apart)."""
    for number, village in enumerate(tree["villages"]):
        village.latitude, village.longitude = Decimal("39.400000") + number / Decimal(10), Decimal("118.900000")
        village.save(update_fields=["latitude", "longitude"])
    return tree


@pytest.fixture
def roads(tree, dispatch_desk):
    """The county's roads bureau takes complaints; its officer."""
    bureau = DepartmentFactory(region=tree["county"], name="县住建局")
    RoutingRuleFactory(county=tree["county"], category="complaint", department=bureau)
    officer = UserFactory(roles=[Role.OFFICER], phone="13900000009")
    DepartmentMembershipFactory(department=bureau, user=officer)
    return {"bureau": bureau, "officer": officer}


@pytest.fixture
def fee_item(request_item):
    """The request item with a government fee of 20 yuan."""
    request_item.fee_fen = 2_000
    request_item.save()
    return request_item


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


# --- Catalogue tests (tsplit-gb): shared by the modules split from test_catalogue_io.py (test_catalogue_cells,
# _import, _export), test_catalogue_services.py (test_catalogue_item_services, _search, _scope, _demo) and
# test_catalogue_views.py (test_catalogue_browse_views, _edit_views, _import_export_views). ---

@pytest.fixture
def departments(tree):
    """The departments named in the catalogue files: two county bureaus, a township centre, another county's."""
    from tests.factories import DepartmentFactory, region

    return {
        "GA": DepartmentFactory(code="GA", name="县公安局", region=tree["county"]),
        "MZ": DepartmentFactory(code="MZ", name="县民政局", region=tree["county"]),
        "T0": DepartmentFactory(code="T0-BM", name="测试镇0便民服务中心", region=tree["townships"][0],
                                level="township"),
        "X": DepartmentFactory(code="X-GA", name="邻县公安局", region=region("county", tree["city"])),
    }


@pytest.fixture
def catalogue(tree, department, service_item):
    """service_item (户籍证明, county bureau) with an e-form, a township centre's item, another county's item."""
    from tests.factories import DepartmentFactory, region
    from tests.gov_services.catalogue_screens import SCHEMA

    service_item.form_schema = SCHEMA
    service_item.fee_fen = 1250
    service_item.save()
    town = DepartmentFactory(region=tree["townships"][0], level="township", name="测试镇0便民服务中心")
    elsewhere = DepartmentFactory(region=region("county", tree["city"]), name="邻县民政局")
    return {
        "hjzm": service_item,
        "lamp": ServiceItemFactory(department=town, code="LD-001", name="路灯维修", category="convenience",
                                   online_allowed=True),
        "elsewhere": ServiceItemFactory(department=elsewhere, code="X-001", name="邻县户籍证明"),
    }


# --- Request tests (tsplit-ga): shared by the modules split from test_request_services.py (test_request_submit,
# _submit_appeals, _accept_return, _review_rating, _assignment), test_dept_views.py (test_dept_queue,
# test_dept_request_access, _request_actions), test_counter_views.py (test_counter_request_pages, _request_filing,
# test_counter_ledger) and test_application_drafts.py (test_application_draft_scans, _draft_lifecycle,
# test_application_form_fields). ---

@pytest.fixture
def id_card(request_item):
    return request_item.materials.get(name="身份证")


@pytest.fixture
def household_book(request_item):
    return request_item.materials.get(name="户口簿")


@pytest.fixture
def submit(operator, station, request_item, id_card):
    """File an application at the counter; keyword arguments override the defaults."""
    import uuid

    from gov_services.requests import services as services
    from tests.factories import jpeg_bytes, png_bytes, upload, valid_id_number

    def _submit(**overrides):
        kwargs = {
            "actor": operator, "idempotency_key": uuid.uuid4(), "kind": "application", "item": request_item,
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
            "applicant_phone": "13812345678", "consent": "signature", "channel": "counter",
            "station": station, "form_data": {"purpose": "子女入学"},
            "attachments": [upload("身份证.jpg", jpeg_bytes(), id_card)], "signature": png_bytes(),
        }
        kwargs.update(overrides)
        return services.service_request_submit(**kwargs)

    return _submit


@pytest.fixture
def filed(submit):
    """An application filed at the counter with an ID-card scan and a signature."""
    return submit()


@pytest.fixture
def applicant(filed, resident):
    """`filed`, linked to the resident's account."""
    from gov_services.models import ServiceRequest

    ServiceRequest.objects.filter(pk=filed.pk).update(applicant_user=resident)
    filed.refresh_from_db()
    return filed


@pytest.fixture
def head(department):
    from accounts.roles import Role
    from tests.factories import DepartmentMembershipFactory, UserFactory

    user = UserFactory(roles=[Role.OFFICER], full_name="王科长")
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


@pytest.fixture
def colleague(department):
    from accounts.roles import Role
    from tests.factories import DepartmentMembershipFactory, UserFactory

    user = UserFactory(roles=[Role.OFFICER], full_name="李同事")
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.fixture
def other_department(tree):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(region=tree["county"], name="县人社局")


@pytest.fixture
def other_officer(other_department):
    from accounts.roles import Role
    from tests.factories import DepartmentMembershipFactory, UserFactory

    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=other_department, user=user)
    return user


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def application_data(request_item, id_card):
    """A complete application form as the browser posts it (make a new dict per post: files are read)."""
    import uuid

    from tests.factories import upload, valid_id_number
    from tests.gov_services.counter_helpers import scan_png, signature_data_url

    def _data(**overrides):
        data = {
            "idempotency_key": str(uuid.UUID(int=1)),
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1), "applicant_phone": "13812345678",
            "consent": "signature", "signature": signature_data_url(),
            "eform-purpose": "子女入学",
            f"material-{id_card.pk}": upload("身份证.png", scan_png()),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return _data


@pytest.fixture
def form_data(id_card, household_book):
    """The counter's application form with four scans (two per material), keyed by draft_helpers.KEY."""
    from tests.factories import pdf_bytes, upload, valid_id_number
    from tests.gov_services.counter_helpers import scan_png, signature_data_url
    from tests.gov_services.draft_helpers import KEY

    def _data(*, scans=True, **overrides):
        data = {
            "idempotency_key": str(KEY), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
            "applicant_phone": "13812345678", "consent": "signature", "signature": signature_data_url(),
            "eform-purpose": "子女入学",
        }
        if scans:
            data[f"material-{id_card.pk}"] = [upload("身份证-正面.png", scan_png()),
                                              upload("身份证-反面.png", scan_png(colour=(200, 200, 200)))]
            data[f"material-{household_book.pk}"] = [upload("户口簿-1.png", scan_png((50, 50))),
                                                     upload("户口簿-2.pdf", pdf_bytes())]
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return _data
