"""Every upload field of the project against the corpus of hostile files (tests/core/hostile_files.py).

Each endpoint is posted a sound file first (so that a refusal below is not a field refusing everything),
then every hostile file: the answer is a page with the error (never a 5xx), and nothing is kept — no
row, no file in storage.
"""

import base64
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from accounts.roles import Role
from core.models import AuditEvent
from gov_services.models import Attachment, ServiceItem, ServiceRequest
from gov_services.requests.services import service_request_return, service_request_submit
from shop.models import MerchantApplication
from tests.core import hostile_files
from tests.core.hostile_files import CORPUS
from tests.core.sweep import post_forms
from tests.factories import StaffAssignmentFactory, UserFactory, upload, valid_id_number
from tests.shop import factories as shop_factories

CSV_HEADER = "事项编码,事项名称,实施部门,事项类别,最低受理层级,法定时限,承诺时限\n"


@dataclass(frozen=True)
class Endpoint:
    name: str
    extensions: tuple[str, ...]  # what the field takes; the first names a disguised file
    sound: Callable[[dict], tuple[str, bytes]]  # a file it must take
    post: Callable[[Client, dict, SimpleUploadedFile], object]  # (client, world, file) → response
    kept: Callable[[dict], int]  # rows (or files) kept from uploads so far
    prepare: Callable[[dict], None] = lambda world: None  # before each post (e.g. a request to supplement)


def _scan_kept(world) -> int:
    return Attachment.objects.count() + ServiceRequest.objects.count()


def _files_kept(world) -> int:
    """Files written anywhere but in counter drafts: a refused application keeps its sound scans in its
    draft by design (the operator need not attach them again); _hostile_in_drafts checks what those are."""
    roots = [Path(world["private"]), Path(settings.MEDIA_ROOT)]
    return sum(1 for root in roots if root.exists() for path in root.rglob("*")
               if path.is_file() and "drafts" not in path.relative_to(root).parts)


def _hostile_in_drafts(content: bytes) -> bool:
    from gov_services.models import DraftScan

    for scan in DraftScan.objects.all():
        with scan.file.open("rb") as kept:
            if kept.read() == content:
                return True
    return False


def _application(world, upload):
    material = world["id_card"]
    return {"idempotency_key": str(uuid.uuid4()), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
            "applicant_phone": "13812345678", "consent": "witnessed", "eform-purpose": "子女入学",
            f"material-{material.pk}": upload}


def _counter_application(client, world, upload):
    client.force_login(world["operator"])
    return client.post(reverse("gov_services:counter-application-create", args=[world["item"].pk]),
                       _application(world, upload))


def _counter_signature(client, world, upload):
    client.force_login(world["operator"])
    data = _application(world, SimpleUploadedFile("id.png", hostile_files.png(), content_type="image/png"))
    data.update(consent="signature", signature=f"data:image/png;base64,{base64.b64encode(upload.read()).decode()}")
    return client.post(reverse("gov_services:counter-application-create", args=[world["item"].pk]), data)


def _counter_appeal(client, world, upload):
    client.force_login(world["operator"])
    return client.post(reverse("gov_services:counter-appeal-create"), {
        "idempotency_key": str(uuid.uuid4()), "appeal_category": "help", "subject": "路灯", "description": "村口路灯坏了",
        "place": "村口", "applicant_name": "赵大爷", "applicant_id_number": valid_id_number(3),
        "applicant_phone": "13700001111", "consent": "witnessed", "material-other": upload})


def _returned(world) -> None:
    """A fresh request of the resident's, returned for more material (each post supplements its own)."""
    filed = service_request_submit(
        actor=world["operator"], idempotency_key=uuid.uuid4(), kind="application", item=world["item"],
        applicant_name="李淑芬", applicant_id_number=valid_id_number(7), applicant_phone="13987654321",
        applicant_user=world["resident"], consent="witnessed", channel="counter", station=world["station"],
        form_data={"purpose": "就业"}, attachments=[upload("id.png", hostile_files.png(), world["id_card"])])
    service_request_return(request=filed, actor=world["officer"], note="请补充")
    world["returned"] = filed


def _counter_supplement(client, world, upload):
    client.force_login(world["operator"])
    return client.post(reverse("gov_services:counter-request-supplement", args=[world["returned"].pk]),
                       {f"material-{world['id_card'].pk}": upload, "note": "补"})


def _supplement_kept(world) -> int:
    return Attachment.objects.count()


def _seals_kept(world) -> int:
    return AuditEvent.objects.filter(action="department_seal.upload").count()


def _county_appeal(client, world, upload):
    client.force_login(world["county_admin"])
    return client.post(reverse("gov_services:county-appeal-create"), {
        "idempotency_key": str(uuid.uuid4()), "channel": "phone", "village": world["station"].village_id,
        "appeal_category": "help", "subject": "路灯", "description": "村口路灯坏了一个月", "place": "村口",
        "applicant_name": "王秀英", "applicant_id_number": valid_id_number(2), "applicant_phone": "13812345678",
        "consent": "witnessed", "material-other": upload})


def _resident_apply(client, world, upload):
    client.force_login(world["resident"])
    return client.post(reverse("gov_services:resident-service-request-create", args=[world["item"].code]), {
        "idempotency_key": str(uuid.uuid4()), "applicant_name": "张小明", "applicant_id_number": valid_id_number(7),
        "applicant_phone": "13935001234", "village": str(world["station"].village_id), "declaration": "on",
        "eform-purpose": "办理社保", f"material_{world['id_card'].pk}": upload})


def _resident_resubmit(client, world, upload):
    client.force_login(world["resident"])
    return client.post(reverse("gov_services:resident-service-request-resubmit", args=[world["returned"].pk]), {
        f"resubmit-material_{world['id_card'].pk}": upload, "resubmit-note": "已补交", "eform-purpose": "就业"})


def _merchant_apply(client, world, upload):
    client.logout()
    return client.post(reverse("shop:merchant-apply"), {
        "idempotency_key": str(uuid.uuid4()), "business_name": "乐亭县鲜果超市",
        "credit_code": shop_factories.credit_code(), "contact_name": "李娜", "contact_phone": "13833300002",
        "address": "胡家坨镇中街1号", "categories": ["produce"], "townships": [world["township"].pk], "note": "",
        "licence": upload})


def _seal(client, world, upload):
    client.force_login(world["county_admin"])
    return client.post(reverse("gov_services:certificate-department", args=[world["department"].pk]),
                       {"image": upload})


def _verify_photo(client, world, upload):
    client.logout()
    response = client.post(reverse("gov_services:certificate-verify"), {"photo": upload})
    form = (response.context or {}).get("form") if response.status_code < 500 else None
    refused = form is not None and form.errors.get("photo")
    world["verify_taken"] = world.get("verify_taken", 0) + (not refused)
    return response


def _verify_kept(world) -> int:
    return world.get("verify_taken", 0)  # a photo is never stored: what counts is whether it was taken


def _qr_photo(world):
    buffer = io.BytesIO()
    segno.make("https://cunzhan.test/verify/not-a-token", error="m").save(buffer, kind="png", scale=6)
    return "qr.png", buffer.getvalue()


def _catalogue_import(client, world, upload):
    client.force_login(world["county_admin"])
    with TestCase.captureOnCommitCallbacks(execute=True):  # imports run as jobs at commit
        return client.post(reverse("gov_services:catalogue-import"), {"file": upload, "county": world["county"].pk})


def _product_import(client, world, upload):
    client.force_login(world["merchant_user"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("shop:merchant-product-import"), {"file": upload})


def _product_page(world) -> None:
    """The product's edit form (the merchant's one-screen product page) as the merchant's browser has it."""
    client = Client()
    client.force_login(world["merchant_user"])
    url = reverse("shop:merchant-product-edit", args=[world["product"].pk])
    [form] = [f for f in post_forms(client.get(url).content.decode(), url) if "images" in f.files]
    world["product_form"] = form


def _product_image(client, world, upload):
    client.force_login(world["merchant_user"])
    form = world["product_form"]
    return client.post(form.action, {**form.fields, "images": upload})


def _wagtail_image(client, world, upload):
    client.force_login(world["superuser"])
    return client.post(reverse("wagtailimages:add"), {"title": "图", "file": upload, "collection": world["collection"]})


def _wagtail_document(client, world, upload):
    client.force_login(world["superuser"])
    return client.post(reverse("wagtaildocs:add"), {"title": "文件", "file": upload, "collection": world["collection"]})


def _sound_catalogue(world):
    return "catalogue.csv", (CSV_HEADER + f"HJ-9,户籍证明,{world['department'].code},公共服务,村级,5,1\n").encode()


def _sound_products(world):
    return "goods.csv", "商品编码,商品名称,分类,价格(元),库存,描述\nEGG-1,土鸡蛋,禽蛋,36.00,80,\n".encode()


SCAN = ("jpg", "jpeg", "png", "pdf")
ENDPOINTS = [
    Endpoint("counter application scan", SCAN, lambda world: ("id.jpg", hostile_files.jpeg()), _counter_application,
             _scan_kept),
    Endpoint("counter signature pad", ("png",), lambda world: ("sig.png", hostile_files.png((300, 100))),
             _counter_signature, lambda world: ServiceRequest.objects.count()),
    Endpoint("counter appeal photo", SCAN, lambda world: ("lamp.png", hostile_files.png()), _counter_appeal, _scan_kept),
    Endpoint("counter supplement scan", SCAN, lambda world: ("book.pdf", hostile_files.SOUND_PDF), _counter_supplement,
             _supplement_kept, _returned),
    Endpoint("county hotline appeal photo", SCAN, lambda world: ("lamp.jpg", hostile_files.jpeg()), _county_appeal,
             _scan_kept),
    Endpoint("resident application scan", SCAN, lambda world: ("id.jpg", hostile_files.jpeg()), _resident_apply, _scan_kept),
    Endpoint("resident resubmitted scan", SCAN, lambda world: ("book.pdf", hostile_files.SOUND_PDF_WITH_OBJECT_STREAM),
             _resident_resubmit, _supplement_kept, _returned),
    Endpoint("merchant licence scan", SCAN, lambda world: ("licence.png", hostile_files.png()), _merchant_apply,
             lambda world: MerchantApplication.objects.count()),
    Endpoint("department seal", ("png", "jpg"), lambda world: ("seal.png", hostile_files.png((200, 200))), _seal,
             _seals_kept),
    Endpoint("certificate QR photo", ("jpg", "png"), _qr_photo, _verify_photo,
             _verify_kept),
    Endpoint("service catalogue import", ("csv", "xlsx"), _sound_catalogue, _catalogue_import,
             lambda world: ServiceItem.objects.count()),
    Endpoint("merchant product import", ("csv", "xlsx"), _sound_products, _product_import,
             lambda world: get_model("catalogue", "Product").objects.count()),
    Endpoint("merchant product photo", ("jpg", "png", "gif", "webp"), lambda world: ("egg.jpg", hostile_files.jpeg()),
             _product_image, lambda world: get_model("catalogue", "ProductImage").objects.count(), _product_page),
    Endpoint("CMS image", ("jpg", "png", "gif", "webp"), lambda world: ("news.png", hostile_files.png()), _wagtail_image,
             lambda world: get_image_model().objects.count()),
    Endpoint("CMS document", ("pdf", "docx", "xlsx", "txt"), lambda world: ("rules.pdf", hostile_files.SOUND_PDF),
             _wagtail_document, lambda world: get_document_model().objects.count()),
]


@pytest.fixture
def world(tree, station, operator, officer, department, county_admin, resident, superuser, private_files, settings,
          request_item, dispatch_desk):
    settings.MEDIA_ROOT = private_files.parent / "media"
    item, id_card = request_item, request_item.materials.get(name="身份证")
    merchant_user = UserFactory(roles=[Role.MERCHANT])
    merchant = shop_factories.merchant(townships=[tree["townships"][0]], user=merchant_user)
    product = shop_factories.product(merchant.partner)
    get_model("catalogue", "ProductCategory").objects.create(product=product, category=create_from_breadcrumbs("禽蛋"))
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    StaffAssignmentFactory(user=superuser, role="county_admin", region=tree["county"])
    return {"item": item, "id_card": id_card, "operator": operator, "officer": officer, "station": station,
            "department": department, "county_admin": county_admin, "resident": resident, "superuser": superuser,
            "county": tree["county"], "township": tree["townships"][0], "merchant_user": merchant_user,
            "product": product, "collection": collection.pk,
            "private": private_files}


def _upload(endpoint: Endpoint, hostile) -> SimpleUploadedFile:
    extension = endpoint.extensions[0] if hostile.disguised else hostile.extension
    return SimpleUploadedFile(f"scan.{extension}", hostile.content, content_type=hostile.content_type)


def _errors(response) -> dict:
    """The form errors on the page, for the failure message."""
    context = getattr(response, "context", None) or {}
    return {key: value.errors for key in ("form", "eform", "scans") if key in context
            for value in [context[key]] if value is not None and hasattr(value, "errors")}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_upload_field_takes_a_sound_file_and_refuses_every_hostile_one(endpoint, world):
    client = Client(raise_request_exception=False)
    name, content = endpoint.sound(world)
    endpoint.prepare(world)
    before = endpoint.kept(world)
    response = endpoint.post(client, world, SimpleUploadedFile(name, content))
    assert response.status_code < 400, (endpoint.name, response.status_code, _errors(response))
    assert endpoint.kept(world) > before, (endpoint.name, _errors(response))
    accepted = []
    for hostile in CORPUS:
        endpoint.prepare(world)
        kept, files = endpoint.kept(world), _files_kept(world)
        response = endpoint.post(client, world, _upload(endpoint, hostile))
        if (response.status_code >= 500 or endpoint.kept(world) > kept or _files_kept(world) > files
                or _hostile_in_drafts(hostile.content)):
            accepted.append(f"{hostile} → {response.status_code}")
    assert accepted == []


def test_the_corpus_covers_what_the_issue_names():
    names = " ".join(str(h) for h in CORPUS)
    for expected in ("81-megapixel", "JavaScript", "embedded file", "launches", "additional actions", "HTML",
                     "SVG with script", "executable renamed"):
        assert expected in names
    assert settings.UPLOAD_MAX_IMAGE_PIXELS < 81_000_000
