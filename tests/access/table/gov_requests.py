"""The access matrix's rows for service requests: filing at the counter, the department's queue, the
admins' requests, and the resident's side (online applications, "my requests", residents' reports)."""

from __future__ import annotations

from tests.access.policy import (
    DEPARTMENT,
    NOT_FOUND,
    OPERATOR,
    PUBLIC,
    REGION,
    RESIDENT,
    SIGNED_IN,
    STAFF,
    STATION,
    Case,
    Obj,
    Post,
    Unexercised,
)
from tests.access.table.common import FILE, FORM_REFUSED, MISSING, REDIRECT, key


def _applicant(thing, world) -> dict:
    """The counter's applicant block, for the application and appeal forms."""
    from tests.factories import valid_id_number

    return {"idempotency_key": key(), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(901),
            "applicant_phone": "13912345678", "consent": "witnessed"}


def _application(thing, world) -> dict:
    from tests.factories import jpeg_bytes, upload

    data = _applicant(thing, world)
    if thing is not None:
        material = thing.obj.materials.get()
        data[f"material-{material.pk}"] = upload("身份证.jpg", jpeg_bytes(), content_type="image/jpeg")
    return data


def _appeal(thing, world) -> dict:
    return {**_applicant(thing, world), "appeal_category": "help", "subject": "路灯坏了", "description": "村口路灯不亮"}


def _relayed_appeal(thing, world) -> dict:
    return {**_appeal(thing, world), "channel": "phone", "village": thing.obj.village_id}


ROWS: dict[str, Case] = {
    # --- the counter: filing and the ledger ---------------------------------------------------------------------
    "gov_services:counter-ledger": Case(STATION, superuser=False),
    "gov_services:counter-ledger-export": Case(STATION, ok=FILE, superuser=False),
    "gov_services:counter-request-create": Case(STATION, superuser=False),
    # The counter offers exactly the items of its station's jurisdiction: another township's office or
    # another county's items are not there (404), for the page and for filing.
    "gov_services:counter-application-create": Case(STATION, Obj("service_item", item_id="pk"), superuser=False,
                                                    post=Post(_application, control="operator")),
    "gov_services:counter-request-detail": Case(STATION, Obj("request", "submitted", pk="pk"), superuser=False),
    "gov_services:counter-request-supplement": Case(STATION, Obj("request", "returned", pk="pk"), get=False,
                                                    superuser=False, post=Post({"note": "补交了"}, control="operator")),
    "gov_services:counter-request-receipt": Case(STATION, Obj("request", "submitted", pk="pk"), superuser=False),
    "gov_services:counter-appeal-create": Case(STATION, superuser=False, post=Post(_appeal, control="operator")),
    "gov_services:counter-consent-code-send": Case(STATION, get=False, superuser=False, post=Post(
        lambda t, w: {"idempotency_key": key(), "applicant_phone": "13912345678", "about": "申请"},
        why_no_control="the code is kept in the cache and texted after the commit: nothing is written here")),
    "gov_services:counter-attachment-download": Case(STATION, Obj("attachment", "submitted", pk="pk"), ok=FILE,
                                                     superuser=False),
    "gov_services:certificate-station-list": Case(STATION, superuser=False),
    # An application's draft (scans kept across errors): its station's counter staff only.
    "gov_services:counter-draft-scan": Case(STATION, Obj("draft_scan", pk="pk"), ok=FILE, superuser=False),
    "gov_services:counter-draft-discard": Case(STATION, Obj("application_draft", pk="pk"), get=False,
                                               superuser=False, post=Post({}, control="operator")),
    "gov_services:offline-apply": Case(OPERATOR, superuser=False),
    "gov_services:offline-catalogue": Case(OPERATOR, ok=FILE, superuser=False),

    # --- the department's queue ---------------------------------------------------------------------------------
    "gov_services:dept-home": Case(DEPARTMENT),
    "gov_services:dept-request-detail": Case(DEPARTMENT, Obj("request", "submitted", pk="pk")),
    "gov_services:dept-request-action": Case(DEPARTMENT, Obj("request", "submitted", pk="pk"), get=False,
                                             post=Post({"action": "accept", "note": ""}, control="officer")),
    # Saved views are the officer's own: saving one writes a row; the world holds none to delete (one's own
    # and another's are in tests/gov_services/test_approval_steps.py).
    "gov_services:dept-view-create": Case(DEPARTMENT, get=False, post=Post({"name": "逾期", "query": "deadline=overdue"},
                                                                        control="officer")),
    "gov_services:dept-view-delete": Case(DEPARTMENT, values={"pk": MISSING}, ok=NOT_FOUND, get=False, post=Post(
        {}, why_no_control="the world holds no saved view: tests/gov_services/test_approval_steps.py")),
    "gov_services:dept-bulk-assign": Case(DEPARTMENT, get=False, post=Post(
        {"requests": [], "assignee": ""},
        why_no_control="bulk assignment of the department's own requests: tests/gov_services/test_approval_steps.py")),
    "gov_services:dept-rating-appeal": Case(DEPARTMENT, Obj("request", "rated_bad", pk="pk"), get=False,
                                            post=Post(lambda t, w: {"reason": "已按时办结", "submission": key()},
                                                      control="officer")),
    # A request's files are for whoever may see the request (its station, department, region, applicant).
    "gov_services:request-signature": Case(STAFF | RESIDENT, Obj("request", "submitted", pk="pk"), ok=FILE),
    "gov_services:request-attachment": Case(STAFF | RESIDENT, Obj("attachment", "submitted", pk="pk"), ok=FILE),
    # A PDF scan's page drawn as a picture: the same people as the scan itself.
    "gov_services:request-attachment-page": Case(STAFF | RESIDENT, Obj("pdf_attachment", "submitted", pk="pk"),
                                                 ok=FILE),
    "gov_services:certificate-issue": Case(DEPARTMENT, Obj("request", "approved", pk="pk"), get=False,
                                           post=Post({}, control="officer")),

    # --- the admins' requests -----------------------------------------------------------------------------------
    "gov_services:county-request-list": Case(REGION),
    # The village is in the form: one outside the admin's region is refused, and nothing is filed.
    "gov_services:county-appeal-create": Case(REGION, Obj("station"), foreign=FORM_REFUSED,
                                              post=Post(_relayed_appeal, control="county_admin")),
    "gov_services:county-request-detail": Case(REGION, Obj("request", "submitted", pk="pk")),
    "gov_services:county-request-action": Case(REGION, Obj("request", "submitted", pk="pk"), get=False,
                                               post=Post({"action": "note", "note": "请尽快办理", "internal": "on"},
                                                         control="county_admin")),

    # --- the resident's side --------------------------------------------------------------------------------------
    "gov_services:resident-service-item-list": Case(PUBLIC),
    "gov_services:resident-service-item-detail": Case(PUBLIC, Obj("service_item", public=True, code="code")),
    "gov_services:resident-service-request-create": Case(
        SIGNED_IN, Obj("service_item", public=True, code="code"),
        post=Post(lambda t, w: {"idempotency_key": key(), "applicant_name": "王秀英"},
                  why_no_control="anyone signed in may apply online; the POST is the resident's own")),
    "gov_services:resident-service-request-list": Case(SIGNED_IN),
    # An unfinished online application is its resident's alone (anyone else: 404, nothing deleted).
    "gov_services:resident-draft-discard": Case(SIGNED_IN, Obj("resident_draft", pk="pk"), get=False,
                                                post=Post({}, control="resident")),
    # "My requests": a request is the applicant's own, whatever other roles they hold. The action pages
    # answer a GET by sending back to the request's page.
    "gov_services:resident-service-request-detail": Case(SIGNED_IN, Obj("request", "submitted", pk="pk"),
                                                         owner="resident"),
    "gov_services:resident-service-request-resubmit": Case(SIGNED_IN, Obj("request", "returned", pk="pk"),
                                                           owner="resident", ok=REDIRECT, post=Post({"resubmit-note": "补好了"}, control="resident")),
    "gov_services:resident-service-request-rate": Case(SIGNED_IN, Obj("request", "completed", pk="pk"),
                                                       owner="resident", ok=REDIRECT, post=Post({"rating-score": "5", "rating-comment": "好"},
                                                                 control="resident")),
    "gov_services:resident-service-request-rerate": Case(SIGNED_IN, Obj("request", "called_back", pk="pk"),
                                                         owner="resident", ok=REDIRECT, post=Post({"rerate-score": "5", "rerate-comment": "好了"},
                                                                   control="resident")),
    # Residents' own reports: the public list, map, page and photos are everybody's (no personal data);
    # reporting and following need an account; adding information is the reporter's; the public reply is
    # the department's holding the report.
    "gov_services:report-list": Case(PUBLIC),
    "gov_services:report-map": Case(PUBLIC),
    "gov_services:report-nearby": Case(PUBLIC),
    "gov_services:report-detail": Case(PUBLIC, Obj("report", "public", public=True, pk="pk")),
    "gov_services:report-photo": Case(PUBLIC, Obj("report_photo", public=True, pk="pk"), ok=FILE),
    "gov_services:report-create": Case(SIGNED_IN, post=Post(
        lambda t, w: {"idempotency_key": key(), "category": "complaint"},
        why_no_control="anyone signed in may report a problem; the POST is the resident's own")),
    "gov_services:report-follow": Case(SIGNED_IN, Obj("report", "public", public=True, pk="pk"), ok=REDIRECT,
                                       post=Post({}, why_no_control="anyone signed in may follow a public report")),
    "gov_services:resident-report-add-information": Case(
        SIGNED_IN, Obj("report", "public", pk="pk"), owner="resident", ok=REDIRECT,
        post=Post({"info-text": "晚上完全不亮"}, control="resident")),
    "gov_services:dept-public-reply": Case(DEPARTMENT, Obj("report", "public", pk="pk"), get=False,
                                           post=Post({"reply-text": "已安排维修"}, control="officer")),
    "gov_services:track": Case(PUBLIC, post=Unexercised("public tracking: code + four digits, throttled")),
    "gov_services:track-rate": Case(PUBLIC, get=False, post=Unexercised(
        "rating from the tracking page needs the proof a lookup left in the session")),
    "gov_services:track-rerate": Case(PUBLIC, get=False, post=Unexercised(
        "rating from the tracking page needs the proof a lookup left in the session")),
}
