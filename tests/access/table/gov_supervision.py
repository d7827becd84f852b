"""The access matrix's rows for the county's settings (routing rules, the working-day calendar, search
words) and supervision (the board, escalations, follow-ups, assessments, escalation steps)."""

from __future__ import annotations

from tests.access.policy import COUNTY, DEPARTMENT, REGION, Case, Obj, Post
from tests.access.table.common import FORM_REFUSED, REDIRECT, key

ROWS: dict[str, Case] = {
    # --- county settings ---------------------------------------------------------------------------------------------
    "gov_services:routing-rule-list": Case(REGION),
    "gov_services:routing-rule-create": Case(COUNTY, Obj("department"), foreign=FORM_REFUSED, post=Post(
        lambda t, w: {"category": "complaint", "department": t.attrs["pk"], "keyword": ""}, control="county_admin")),
    "gov_services:routing-rule-update": Case(COUNTY, Obj("routing_rule", pk="pk"), post=Post(lambda t, w: {
        "category": "complaint", "department": t.obj.department_id, "keyword": "路灯"}, control="county_admin")),
    "gov_services:routing-rule-delete": Case(COUNTY, Obj("routing_rule", pk="pk"), post=Post({},
                                                                                            control="county_admin")),
    "gov_services:calendar-day-list": Case(REGION),
    "gov_services:search-words": Case(COUNTY, post=Post({"word": "养老钱", "means": "高龄津贴"},
                                                        control="county_admin")),
    "gov_services:calendar-day-create": Case(COUNTY, post=Post(
        {"date": "2031-05-06", "kind": "holiday", "name": "矩阵假日"}, control="county_admin")),
    "gov_services:calendar-day-delete": Case(COUNTY, Obj("calendar_day", pk="pk"),
                                             post=Post({}, control="county_admin")),
    # 2024 is in the published calendar and not in the migrations' seed, so the control's load writes rows.
    "gov_services:calendar-year-load": Case(COUNTY, get=False, post=Post({"year": "2024"}, control="county_admin")),

    # --- supervision ------------------------------------------------------------------------------------------------
    "gov_services:supervision-board": Case(REGION),
    "gov_services:supervision-request-list": Case(REGION),
    "gov_services:escalation-list": Case(REGION),
    "gov_services:escalation-detail": Case(REGION, Obj("escalation", pk="pk"), post_who=COUNTY, post=Post(
        {"call_made": "on", "outcome": "已督办"}, control="county_admin")),
    "gov_services:follow-up-list": Case(REGION),
    "gov_services:follow-up-detail": Case(REGION, Obj("follow_up", pk="pk"), post=Post(lambda t, w: {
        "result": "not_reached", "outcome": "无人接听", "submission": key()}, control="township_admin")),
    "gov_services:follow-up-appeal-decide": Case(COUNTY, Obj("follow_up", "appealed", pk="pk"), ok=REDIRECT, post=Post(
        {"decision": "upheld", "note": "情况属实"}, control="county_admin")),
    "gov_services:department-assessment": Case(REGION),
    "gov_services:officer-assessment": Case(DEPARTMENT | REGION),
    "gov_services:supervision-settings": Case(REGION, post_who=COUNTY, post=Post({
        "yellow_percent": 60, "red_percent": 90, "returned_close_days": 20, "follow_up_days": 3,
        "weight_on_time": 40, "weight_satisfaction": 30, "weight_red_cards": 20, "weight_follow_ups": 10},
        control="county_admin")),
    "gov_services:escalation-step-create": Case(COUNTY, post=Post({
        "label": "矩阵步骤", "card": "red", "after_days": 9, "notify": "head", "task": "none", "position": 500,
        "is_active": "on"}, control="county_admin")),
    "gov_services:escalation-step-update": Case(COUNTY, Obj("escalation_step", pk="pk"), post=Post(lambda t, w: {
        "label": t.obj.label + "（改）", "card": t.obj.card, "after_days": t.obj.after_days, "notify": t.obj.notify,
        "task": t.obj.task, "position": t.obj.position, "is_active": "on"}, control="county_admin")),
}
