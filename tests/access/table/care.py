"""The access matrix's rows for care (医敬Town): the care desk, calls, residents, responders, settlements,
the counter's care page and the signed public links."""

from __future__ import annotations

from tests.access.policy import COUNTY, PUBLIC, REGION, STATION, Case, Obj, Post, Unexercised
from tests.access.table.common import key, last_month

ROWS: dict[str, Case] = {
    # --- care (医敬Town): the care desk is the region admins' (and the care operators', a post the matrix has
    # no role for: tests/care/test_access.py); residents, calls, check-ins and alerts by their village, another
    # township's or county's a 404. Responders are contracted by a county or township: only its admins change
    # the contract (a township admin on the county's responder: 403, tests/care/test_access.py). The responder's page is public behind a
    # signed link to one offer (tests/care/test_views.py: only that offer, only what the call needs).
    "care:desk": Case(REGION),
    "care:call-list": Case(REGION),
    "care:call-map": Case(REGION),
    "reports:care-figures": Case(REGION),
    "care:call-create": Case(REGION, Obj("care_resident", pk="pk"), post=Post(lambda t, w: {
        "idempotency_key": key(), "service": "medicine", "urgency": "routine", "channel": "hotline",
        "description": "矩阵来电"}, control="county_admin")),
    "care:call-detail": Case(REGION, Obj("care_call", "new", pk="pk")),
    "care:call-dispatch": Case(REGION, Obj("care_call", "new", pk="pk"), get=False, post=Post(
        {}, control="county_admin")),
    "care:call-confirm": Case(REGION, Obj("care_call", "completed", pk="pk"), get=False, post=Post(
        {"rating": "5", "note": "满意"}, control="county_admin")),
    "care:call-cancel": Case(REGION, Obj("care_call", "new", pk="pk"), get=False, post=Post(
        {"reason": "矩阵取消"}, control="county_admin")),
    "care:checkin-record": Case(REGION, Obj("care_checkin", pk="pk"), get=False, post=Post(
        {"note": "矩阵探访"}, control="county_admin")),
    "care:alert-resolve": Case(REGION, Obj("care_alert", pk="pk"), get=False, post=Post({}, control="county_admin")),
    "care:resident-list": Case(REGION),
    "care:resident-create": Case(REGION, post=Post(lambda t, w: {
        "household": w.of("care_resident")[0].obj.household_id, "name": "矩阵老人", "phone": "13812349999",
        "kind": "elderly_alone", "lives_alone": "on", "checkin_every_days": "7"}, control="county_admin")),
    # Showing a resident in full writes its audit event: the own GETs write, the refused ones must not.
    "care:resident-detail": Case(REGION, Obj("care_resident", pk="pk")),
    "care:resident-update": Case(REGION, Obj("care_resident", pk="pk"), post=Post(lambda t, w: {
        "name": "王秀兰", "phone": "13812340001", "kind": "elderly_alone", "lives_alone": "on",
        "checkin_every_days": "7", "active": "on"}, control="county_admin")),
    "care:responder-list": Case(REGION),
    "care:responder-create": Case(REGION, post=Post(lambda t, w: {
        "region": w.sides["A"].townships["T1"].pk, "name": "矩阵诊所", "kind": "clinic", "services": ["clinic"],
        "villages": [w.sides["A"].stations["S11"].village_id], "opens_at": "08:00", "closes_at": "18:00",
        "capacity": "2", "max_charge_fen": "20", "subsidy_fen": "10", "contact_name": "张医生",
        "phone": "13733334444", "contract_starts_on": "2026-01-01", "contract_ends_on": "2027-12-31",
        "status": "active"}, control="county_admin")),
    "care:responder-detail": Case(REGION, Obj("care_responder", "county", pk="pk")),
    "care:responder-update": Case(REGION, Obj("care_responder", "township", pk="pk"), post=Post(lambda t, w: {
        "name": t.obj.name, "kind": "pharmacy", "services": ["medicine"],
        "villages": [t.obj.villages.first().pk], "opens_at": "00:00", "closes_at": "00:00",
        "capacity": "9", "max_charge_fen": "50", "subsidy_fen": "10", "contact_name": "店长",
        "phone": "13700009999", "contract_starts_on": "2020-01-01", "contract_ends_on": "2099-12-31",
        "status": "active"}, control="county_admin")),
    # The monthly settlement with the responders: county admins (maker-checker: the control approves a statement
    # its county's other admin made).
    "care:settlement-list": Case(COUNTY, post=Post(lambda t, w: {"month": last_month()}, why_no_control=(
        "statements need last month's confirmed services: tests/care/test_settlement.py"))),
    "care:settlement-detail": Case(COUNTY, Obj("care_statement", pk="pk"), post=Post(
        {"action": "approve"}, control="county_finance")),
    # Care-desk posts: the region's admins give them (the person and the region in the form) and end them.
    "care:desk-staff": Case(REGION, post=Post(lambda t, w: {"person": w.sides["A"].users["resident"].username,
                                                            "region": w.sides["A"].townships["T1"].pk},
                                              control="county_admin")),
    "care:desk-end": Case(REGION, Obj("care_desk", pk="pk"), get=False, post=Post({}, control="county_admin")),
    # The counter's care page: a station's operators and liaisons take calls for the care residents of their station
    # (a liaison: of the grids they walk), another station's a 404; only the resident's liaison confirms and rates
    # (the operator's POST: 403).
    "care:counter-care": Case(STATION, superuser=False),
    "care:counter-call-create": Case(STATION, Obj("care_resident", pk="pk"), superuser=False, post=Post(
        lambda t, w: {"idempotency_key": key(), "service": "medicine", "urgency": "routine",
                      "description": "柜台来电"}, control="operator")),
    "care:counter-call-detail": Case(STATION, Obj("care_call", "completed", pk="pk"), superuser=False,
                                     post_who=frozenset({"liaison"}), post=Post({"rating": "5", "note": "满意"},
                                                                               control="liaison")),
    # The resident's help button: public behind a signed link to that resident's button (its press:
    # tests/care/test_help_button.py); the desk texts the link.
    "care:resident-help": Case(PUBLIC, Obj("care_resident", public=True, token="help_token"), post=Unexercised(
        "the resident's press behind the signed link: tests/care/test_help_button.py")),
    "care:help-button-give": Case(REGION, Obj("care_resident", pk="pk"), get=False, post=Post(
        {}, control="county_admin")),
    "care:resident-rate": Case(PUBLIC, Obj("care_call", "completed", public=True, token="rate_token"), post=Unexercised(
        "the resident's rating behind the signed link: tests/care/test_views.py")),
    "care:responder-offer": Case(PUBLIC, Obj("care_offer", public=True, token="token"), post=Unexercised(
        "the responder's answer behind the signed link: tests/care/test_views.py")),
}
