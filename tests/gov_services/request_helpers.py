"""Helpers of the request-service tests (test_request_submit*.py, test_request_accept_return.py,
test_request_review_rating.py, test_request_assignment.py): what a refused submit left behind, a request's
events, and walking a request through the workflow."""

from pathlib import Path

from gov_services.models import Attachment, RequestEvent, ServiceRequest
from gov_services.requests import services as services

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def counts() -> tuple[int, int, int]:
    return ServiceRequest.objects.count(), RequestEvent.objects.count(), Attachment.objects.count()


def stored_files(root: Path) -> int:
    return sum(1 for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else 0


def events(request_obj, action=None) -> list[RequestEvent]:
    rows = RequestEvent.objects.filter(request=request_obj).order_by("at", "pk")
    return list(rows.filter(action=action) if action else rows)


def to_review(request_obj, officer):
    services.service_request_accept(request=request_obj, actor=officer)
    return services.service_request_start_review(request=request_obj, actor=officer)


def completed(request_obj, officer):
    to_review(request_obj, officer)
    services.service_request_approve(request=request_obj, actor=officer, note="同意")
    return services.service_request_complete(request=request_obj, actor=officer)


def appeal(submit, **overrides):
    return submit(kind="appeal", item=None, appeal_category="help", subject="路灯坏了",
                  description="村东头路灯不亮已经一周", place="村东头", form_data={}, attachments=[],
                  **overrides)
