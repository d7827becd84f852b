"""Demo certificates for `manage.py seed_demo`: the county's demo CA and PDF signing
certificate, a seal for every department whose items end in a certificate, a layout per such item,
a few certificates issued from approved demo requests, and one in the demo resident's wallet.

Idempotent: runs after seed_requests; anything already there is kept. PDFs are rendered after the
seed's transaction commits (eagerly in the embedded demo).
"""

import io
import math
import uuid
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image, ImageDraw, ImageFont

from demo.seeding.county import DemoCounty
from demo.seeding.people import demo_user
from gov_services.certificates import layout, services
from gov_services.models import (
    Certificate,
    CertificateType,
    CountySigningCertificate,
    DepartmentMembership,
    DepartmentSeal,
    ServiceItem,
    ServiceRequest,
)
from gov_services.requests.services import intake, moves

ISSUED_PER_ITEM = 2
SEAL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
RESIDENT = ("resident", "刘桂兰", "13935000001", "130225195803120023")
NAMESPACE = uuid.UUID("6d1c3f0e-5b0a-4d5e-9a51-0c3e8f6c2a11")


def seal_image(name: str, size: int = 360) -> bytes:
    """A round red seal with the department's name and a star, on transparency (PNG)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 20, 20, 235)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=12)
    cx = cy = size / 2
    star = [(cx + r * math.cos(math.radians(-90 + 36 * i)), cy + r * math.sin(math.radians(-90 + 36 * i)))
            for i, r in enumerate([60, 24] * 5)]
    draw.polygon(star, fill=red)
    if SEAL_FONT.exists():
        font = ImageFont.truetype(str(SEAL_FONT), 34, index=2)  # index 2: the SC face of the collection
        text = name[:10]
        width = draw.textlength(text, font=font)
        draw.text((cx - width / 2, cy + 70), text, font=font, fill=red)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _layout_for(item: ServiceItem) -> str:
    names = {f["name"] for f in item.form_schema or []}
    body = layout.DEFAULT_BODY
    if "purpose" not in names:
        body = body.replace("  <p class=\"text\">用途：{{ form.purpose }}</p>\n", "")
    return body


def _head_of(department_id: int):
    membership = (DepartmentMembership.objects.filter(department_id=department_id).select_related("user")
                  .order_by("-is_head", "pk").first())
    return membership.user if membership else None


def _issue(request: ServiceRequest) -> None:
    officer = _head_of(request.department_id)
    try:
        services.certificate_issue(request=request, actor=officer)
    except (PermissionDenied, ValidationError):
        return  # e.g. held by another officer: the demo leaves it to the department


def _resident_certificate(demo: DemoCounty) -> None:
    """The demo resident applied online for 户籍证明; it was approved and issued: their wallet has it."""
    name, full_name, phone, id_number = RESIDENT[0], RESIDENT[1], RESIDENT[2], RESIDENT[3]
    resident = demo_user(name, full_name, phone)
    item = ServiceItem.objects.filter(code="LT-GAJ-01").first()
    officer = _head_of(item.department_id) if item else None
    if item is None or officer is None or Certificate.objects.filter(holder_user=resident).exists():
        return
    village = demo.stations[0].village if demo.stations else None
    request = intake.service_request_submit(
        actor=resident, idempotency_key=uuid.uuid5(NAMESPACE, "wallet"), kind=ServiceRequest.Kind.APPLICATION,
        item=item, applicant_name=full_name, applicant_id_number=id_number, applicant_phone=phone,
        applicant_user=resident, consent=ServiceRequest.Consent.SELF, channel=ServiceRequest.Channel.WEB,
        village=village, form_data={"purpose": "job", "contact_phone": phone})
    for move in (moves.service_request_accept, moves.service_request_start_review):
        request = move(request=request, actor=officer)
    request = moves.service_request_approve(request=request, actor=officer, note="经审核符合条件，同意。")
    services.certificate_issue_on_approval(request=request)  # the approval's own step (seed_demo's transaction)
    services.certificate_issue(request=request, actor=officer)


def seed_certificates(demo: DemoCounty, progress) -> None:
    if not CountySigningCertificate.objects.filter(county=demo.county, retired_at__isnull=True).exists():
        services.county_signer_create_demo(county=demo.county, actor=None)
    items = list(ServiceItem.objects.filter(issues_certificate=True,
                                            department__region__path__startswith=demo.county.path)
                 .select_related("department"))
    for department in {item.department for item in items}:
        if not DepartmentSeal.objects.filter(department=department).exists():
            services.department_seal_upload(department=department, content=seal_image(department.name), actor=None)
    for item in items:
        if not CertificateType.objects.filter(item=item).exists():
            services.certificate_type_save(item=item, actor=None, code=item.code, title=item.name,
                                           body_html=_layout_for(item), css=layout.DEFAULT_CSS,
                                           validity_days=180 if item.code == "LT-GAJ-05" else None)
    if not Certificate.objects.exists():
        for item in items:
            approved = (ServiceRequest.objects.filter(item=item, status__in=["approved", "completed", "rated",
                                                                              "closed"])
                        .order_by("submitted_at")[:ISSUED_PER_ITEM])
            for request in approved:
                if request.status in ("approved", "completed"):
                    _issue(request)
    _resident_certificate(demo)
    progress.step("certificates")
