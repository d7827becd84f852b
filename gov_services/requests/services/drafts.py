"""Drafts of an application filed at the counter (gov_services.requests.models.drafts): the scans, the signature and
the typed fields kept server-side, so that a validation error, a reload or a network drop loses nothing.

A draft is named by the filing form's idempotency key and belongs to the operator and station that
started it (and to the visit, when the filing happens inside one). Scans come in through the same
content checks as a request's attachments (scans.check_upload → core/uploads.py); a refused file is
reported under "attachments.<material id>" and kept nowhere. Filing reads the draft's scans back as
uploads (`draft_uploads`) and then deletes them (they are the request's attachments now); the filed
draft's row is kept for FILED_DRAFT_LIFETIME so that a retry of the same key sends what was filed and
gets the first request back. `application_drafts_expire` (Celery beat)
deletes expired drafts and their files.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Final

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core.audit import audit_event_record
from gov_services.models import ApplicationDraft, DraftScan, ServiceItem, ServiceRequest
from gov_services.requests.services.intake import attachment_key
from gov_services.requests.services.scans import Upload, check_signature, check_upload

DRAFT_LIFETIME: Final = timedelta(days=3)
# A resident finishes at home, perhaps after fetching a document: their online draft waits longer.
ONLINE_DRAFT_LIFETIME: Final = timedelta(days=14)
FILED_DRAFT_LIFETIME: Final = timedelta(hours=1)
MAX_DRAFT_SCANS: Final = 40
MAX_FIELD_LENGTH: Final = 4000


def _delete_files_on_commit(names: Iterable[str]) -> None:
    from core.storage import private_storage

    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [private_storage.delete(name) for name in names])


@transaction.atomic
def application_draft_open(*, actor, station, item: ServiceItem, key: uuid.UUID, visit=None) -> ApplicationDraft:
    """The draft named by the form's `key`, made on first use; another person's, another station's or
    another item's draft under the same key is refused (PermissionDenied). `station` None: the resident's
    own online application (kept ONLINE_DRAFT_LIFETIME from its last change)."""
    now = timezone.now()
    lifetime = DRAFT_LIFETIME if station is not None else ONLINE_DRAFT_LIFETIME
    draft = ApplicationDraft.objects.select_for_update().filter(key=key).first()
    if draft is None:
        draft, created = ApplicationDraft.objects.get_or_create(key=key, defaults={
            "item": item, "station": station, "operator": actor, "visit": visit, "expires_at": now + lifetime})
        if created:
            audit_event_record(actor=actor, action="gov_services.draft.create", target=draft,
                               data={"item": item.pk, "station": getattr(station, "pk", None),
                                     "visit": getattr(visit, "pk", None)})
            return draft
    if (draft.operator_id != actor.pk or draft.station_id != getattr(station, "pk", None)
            or draft.item_id != item.pk):
        raise PermissionDenied(_("This draft belongs to another form. Open the form again."))
    if draft.filed_request_id is None:
        draft.expires_at = now + lifetime
        draft.save(update_fields=["expires_at", "updated_at"])
    return draft


THUMBNAIL_BOX: Final = (240, 240)


def scan_thumbnail(content: bytes) -> bytes | None:
    """A small JPEG of an image already checked by check_upload (its pixels are within the limit); None
    for a PDF or an image Pillow cannot draw."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.draft("RGB", THUMBNAIL_BOX)  # JPEG: decode at a reduced size
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(THUMBNAIL_BOX)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=70)
            return buffer.getvalue()
    except Exception:  # Pillow raises many kinds for a broken file; a missing thumbnail only shows a tile
        return None


def _store_scan(draft: ApplicationDraft, upload: Upload, material_id, errors: dict[str, list[str]],
                material_ids: set[int]) -> DraftScan | None:
    upload.material_id = material_id
    file, problem = check_upload(upload)
    if problem:
        errors.setdefault(attachment_key(material_id), []).append(problem)
        return None
    if file.material_id is not None and file.material_id not in material_ids:
        errors.setdefault(attachment_key(None), []).append(
            _("“%(name)s” is filed under a material this service does not ask for.") % {"name": file.name})
        return None
    scan = DraftScan(draft=draft, material_id=file.material_id, original_name=file.name,
                     content_type=file.content_type, size=len(file.content), sha256=file.sha256,
                     thumbnail=scan_thumbnail(file.content) if file.content_type.startswith("image/") else None)
    scan.file.save(f"{uuid.uuid4().hex}.{file.extension}", ContentFile(file.content), save=False)
    scan.save()
    return scan


@transaction.atomic
def application_draft_save(*, draft: ApplicationDraft, actor, uploads: Iterable[Upload] = (),
                           replacements: Mapping[int, Upload] | None = None, remove: Iterable[int] = (),
                           fields: Mapping[str, object] | None = None,
                           signature: bytes | None = None) -> dict[str, list[str]]:
    """Add `uploads` (each with `material_id`), replace scans by id (`replacements`), remove scans by id,
    keep the typed `fields` and a sound `signature`. Returns the refusals by "attachments.<material id>";
    what passes is kept even when something else is refused."""
    if draft.filed_request_id is not None:
        return {}
    errors: dict[str, list[str]] = {}
    material_ids = set(draft.item.materials.values_list("pk", flat=True))
    scans = {scan.pk: scan for scan in draft.scans.all()}
    gone, added, replaced, removed = [], [], [], []
    for scan_id in set(remove):
        scan = scans.pop(scan_id, None)
        if scan is not None:
            gone.append(scan)
            removed.append(scan.original_name)
    for scan_id, upload in (replacements or {}).items():
        old = scans.get(scan_id)
        if old is None:
            continue
        new = _store_scan(draft, upload, old.material_id, errors, material_ids)
        if new is not None:
            gone.append(scans.pop(scan_id))
            replaced.append(new.original_name)
    for upload in uploads:
        if len(scans) + len(added) >= MAX_DRAFT_SCANS:
            errors.setdefault(attachment_key(getattr(upload, "material_id", None)), []).append(
                _("At most %(max)d files can be attached to one application.") % {"max": MAX_DRAFT_SCANS})
            break
        new = _store_scan(draft, upload, getattr(upload, "material_id", None), errors, material_ids)
        if new is not None:
            added.append(new.original_name)
    if gone:
        DraftScan.objects.filter(pk__in=[scan.pk for scan in gone]).delete()
        _delete_files_on_commit(scan.file.name for scan in gone)
    update = []
    if fields is not None:
        draft.fields = {str(k): (v[:MAX_FIELD_LENGTH] if isinstance(v, str) else v) for k, v in fields.items()}
        update.append("fields")
    if signature and check_signature(signature) is None:
        draft.signature = signature
        update.append("signature")
    if update:
        draft.save(update_fields=[*update, "updated_at"])
    if gone or added or replaced:
        audit_event_record(actor=actor, action="gov_services.draft.scans", target=draft,
                           data={"added": added, "replaced": replaced, "removed": removed})
    return errors


class DraftUpload(ContentFile):
    """A kept scan (or a filed request's attachment) read back as an upload for service_request_submit."""

    def __init__(self, kept):
        with kept.file.open("rb") as handle:
            super().__init__(handle.read(), name=kept.original_name)
        self.content_type = kept.content_type
        self.material_id = kept.material_id


def draft_uploads(draft: ApplicationDraft) -> list[DraftUpload]:
    """The draft's scans as uploads; once filed, the request's attachments (what was filed), so that a
    retry of the same key is the same content to the service and gets the first request back."""
    if draft.filed_request_id is not None:
        return [DraftUpload(attachment) for attachment in draft.filed_request.attachments.order_by("pk")]
    return [DraftUpload(scan) for scan in draft.scans.all()]


@transaction.atomic
def application_draft_filed(*, draft: ApplicationDraft, request: ServiceRequest, actor) -> None:
    """The draft became `request`: its scans and signature (now the request's) are deleted at once; the row
    is kept a little while so that a retry of the same key is recognised, then expired."""
    if draft.filed_request_id == request.pk:
        return
    scans = list(draft.scans.all())
    DraftScan.objects.filter(draft=draft).delete()
    _delete_files_on_commit(scan.file.name for scan in scans)
    draft.filed_request = request
    draft.signature = None
    draft.fields = {}
    draft.expires_at = timezone.now() + FILED_DRAFT_LIFETIME
    draft.save(update_fields=["filed_request", "signature", "fields", "expires_at", "updated_at"])
    audit_event_record(actor=actor, action="gov_services.draft.filed", target=draft,
                       data={"request": request.pk, "scans": len(scans)})


def _delete_drafts(drafts) -> int:
    drafts = list(drafts)
    if not drafts:
        return 0
    names = list(DraftScan.objects.filter(draft__in=drafts).values_list("file", flat=True))
    ApplicationDraft.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
    _delete_files_on_commit(names)
    return len(drafts)


@transaction.atomic
def application_draft_discard(*, draft: ApplicationDraft, actor) -> None:
    """The operator (or, online, the resident) throws the draft away: its scans, signature and typed fields are deleted."""
    audit_event_record(actor=actor, action="gov_services.draft.discard", target=draft,
                       data={"item": draft.item_id, "scans": draft.scans.count()})
    _delete_drafts([draft])


@transaction.atomic
def application_drafts_expire(*, now=None, batch: int = 500) -> int:
    """Delete drafts past their expiry, with their files; returns how many. Safe to run concurrently."""
    now = now or timezone.now()
    drafts = list(ApplicationDraft.objects.select_for_update(skip_locked=True)
                  .filter(expires_at__lte=now).order_by("expires_at")[:batch])
    for draft in drafts:
        audit_event_record(actor=None, action="gov_services.draft.expire", target=draft,
                           data={"item": draft.item_id, "filed": draft.filed_request_id is not None})
    return _delete_drafts(drafts)
