"""Residents' own reports of problems (诉求 reported online, as Chongqing's 群工 and FixMyStreet do).

A report is an appeal filed through the one intake service (service_request_submit: kind appeal,
channel web, consent self) with a category, a description, up to MAX_PHOTOS photos, a point on the
map and whether it may be shown publicly. So it is routed by the county's appeal rules and runs on
the same working-day clock, cards, rating and bad-rating follow-up as an appeal filed at the counter.

What this module adds around it:
* photos are checked by their content (Pillow) and re-drawn: turned upright, at most PHOTO_MAX_SIDE
  pixels on their longer side, saved as JPEG without their metadata (a phone's photo carries the
  phone's make and the GPS position of the resident's home);
* a point with no village picks the nearest village with a position (routing needs the village);
* followers (RequestFollower): the reporter, and residents who follow a public report instead of
  reporting it again; they are texted on every status change (gov_services/notifications.py);
* the reporter adds information while the report is open; the handling officer writes public replies.

Every function is keyword-only, runs in one transaction and records a RequestEvent or an AuditEvent.
"""

import io
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accounts.models import User
from core.audit import audit_event_record
from core.uploads import MAX_UPLOAD_BYTES, Upload, hazard, read_within, sniff
from gov_services.models import RequestEvent, RequestFollower, ServiceRequest
from gov_services.notifications import follower_phone
from gov_services.requests.services.access import require_handler, require_signed_in
from gov_services.requests.services.events import lock_request, request_event_record
from gov_services.requests.services.intake import attachments_create, check_uploads, service_request_submit
from gov_services.requests.workflow import OPEN_STATUSES, Action
from stations.geo import degrees_box, distance_m
from stations.models import Region
from stations.scope import require, scope_for

MAX_PHOTOS: Final = 3
PHOTO_MAX_SIDE: Final = 1600     # pixels on the longer side: enough to see a broken lamp, ~200 kB
PHOTO_QUALITY: Final = 78
PREVIEW_SIDE: Final = 480        # the public pages' copy
PREVIEW_QUALITY: Final = 70
MAX_TEXT: Final = 2000
PHOTOS: Final = "photos"         # the error key of photo problems
VILLAGE_LEVELS: Final = (Region.Level.VILLAGE, Region.Level.COMMUNITY)


@dataclass(frozen=True)
class Photo:
    name: str
    content: bytes


# --- photos ----------------------------------------------------------------------------------------

def photos_prepare(uploads: Sequence[Upload]) -> tuple[list[Photo], list[str]]:
    """The photos re-drawn (upright, small, JPEG, no metadata), and why the others are refused."""
    photos, problems = [], []
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_PHOTOS:
        problems.append(_("Send at most %(max)d photos.") % {"max": MAX_PHOTOS})
        uploads = uploads[:MAX_PHOTOS]
    for number, upload in enumerate(uploads, start=1):
        name = str(getattr(upload, "name", "") or _("photo"))[-100:]
        content = read_within(upload, limit=MAX_UPLOAD_BYTES)
        if content is None:
            problems.append(_("“%(name)s” is larger than %(max)d MB.") % {
                "name": name, "max": MAX_UPLOAD_BYTES // (1024 * 1024)})
            continue
        if sniff(content) not in ("image/jpeg", "image/png"):
            problems.append(_("“%(name)s” is not a photo: only JPEG or PNG pictures are accepted (the file's "
                              "content was checked, not its name).") % {"name": name})
            continue
        problem = hazard(content, "image/jpeg" if content.startswith(b"\xff\xd8") else "image/png")
        if problem:
            problems.append(_("“%(name)s”: %(problem)s") % {"name": name, "problem": problem})
            continue
        try:
            photos.append(Photo(name=f"photo-{number}.jpg", content=_redraw(content)))
        except Exception:  # Pillow verified the header but cannot draw the picture: refuse it, never a 500
            problems.append(_("“%(name)s” could not be read as a picture. Take the photo again.") % {"name": name})
    return photos, problems


def photo_preview(content: bytes, *, side: int = PREVIEW_SIDE) -> bytes:
    """A small copy of a kept photo for the public pages (a phone on 400 kbit/s: ~30 kB, not ~300 kB)."""
    return _redraw(content, side=side, quality=PREVIEW_QUALITY)


def _redraw(content: bytes, *, side: int = PHOTO_MAX_SIDE, quality: int = PHOTO_QUALITY) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(content)) as image:
            image = ImageOps.exif_transpose(image)  # the phone's "this side up", applied before EXIF goes
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _as_uploads(photos: Sequence[Photo]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(photo.name, photo.content, content_type="image/jpeg") for photo in photos]


# --- where -----------------------------------------------------------------------------------------

def nearest_village(*, latitude: Decimal, longitude: Decimal, within_m: float = 20_000) -> Region | None:
    """The village or community with a position nearest to the point, if one lies within `within_m`."""
    box_lat, box_lng = (Decimal(f"{d:.6f}") for d in degrees_box(float(latitude), within_m))
    candidates = Region.objects.filter(level__in=VILLAGE_LEVELS,
                                       latitude__range=(latitude - box_lat, latitude + box_lat),
                                       longitude__range=(longitude - box_lng, longitude + box_lng))
    best, best_m = None, within_m
    for village in candidates.only("pk", "name", "path", "level", "latitude", "longitude"):
        metres = distance_m(float(latitude), float(longitude), float(village.latitude), float(village.longitude))
        if metres <= best_m:
            best, best_m = village, metres
    return best


# --- reporting -------------------------------------------------------------------------------------

@transaction.atomic
def report_submit(*, actor: User, idempotency_key: uuid.UUID, category: str, subject: str = "", description: str,
                  photos: Sequence[Upload] = (), village: Region | None = None, latitude: Decimal | None = None,
                  longitude: Decimal | None = None, place: str = "", is_public: bool = False) -> ServiceRequest:
    """A resident reports a problem for themselves: an appeal filed online by the one intake service.

    The name and phone are the account's (the department sees them; the public never does). Photo
    problems come back under "photos", the intake service's under their own fields. The reporter
    follows the report from the start. The same form sent twice is one report (the idempotency key).
    """
    require_signed_in(actor)
    prepared, problems = photos_prepare(photos)
    if problems:
        raise ValidationError({PHOTOS: problems})
    phone = follower_phone(actor)
    if not phone:
        raise ValidationError(_("Your account has no mobile number. Add one before reporting a problem, so "
                                "that the department can reach you."), code="no_phone")
    if village is None and latitude is not None and longitude is not None:
        village = nearest_village(latitude=latitude, longitude=longitude)
        if village is None:
            raise ValidationError({"village": _("No village is known near this point. Choose your village "
                                                "from the list.")})
    request = service_request_submit(
        actor=actor, idempotency_key=idempotency_key, kind=ServiceRequest.Kind.APPEAL, appeal_category=category,
        subject=subject[:120], description=description[:MAX_TEXT], place=place[:200],
        applicant_name=actor.full_name or actor.get_full_name() or actor.username, applicant_id_number="",
        applicant_phone=phone, applicant_user=actor, consent=ServiceRequest.Consent.SELF,
        channel=ServiceRequest.Channel.WEB, village=village, form_data={}, attachments=_as_uploads(prepared),
        latitude=latitude, longitude=longitude, is_public=is_public)
    RequestFollower.objects.get_or_create(request=request, user=actor, defaults={"is_reporter": True})
    return request


def _require_followable(request: ServiceRequest) -> None:
    if not request.is_public or request.kind != ServiceRequest.Kind.APPEAL:
        raise PermissionDenied(_("Only reports shown publicly can be followed."))


@transaction.atomic
def report_follow(*, request: ServiceRequest, actor: User) -> RequestFollower:
    """Follow a public report instead of reporting the same problem again: a text on each status change.
    Following twice is following once."""
    require_signed_in(actor)
    _require_followable(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("This report is already dealt with; there is nothing more to follow."),
                              code="not_open")
    existing = RequestFollower.objects.filter(request=request, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            follower = RequestFollower.objects.create(request=request, user=actor)
    except IntegrityError:  # a double click raced us: the first one counts
        return RequestFollower.objects.get(request=request, user=actor)
    audit_event_record(actor=actor, action="report.followed", target=request, data={"follower": follower.pk})
    return follower


@transaction.atomic
def report_unfollow(*, request: ServiceRequest, actor: User) -> None:
    """Stop the texts about a report one follows (the reporter too may stop them)."""
    require_signed_in(actor)
    deleted, _rows = RequestFollower.objects.filter(request=request, user=actor).delete()
    if deleted:
        audit_event_record(actor=actor, action="report.unfollowed", target=request, data={})


@transaction.atomic
def report_add_information(*, request: ServiceRequest, actor: User, text: str,
                           photos: Sequence[Upload] = ()) -> RequestEvent:
    """The reporter adds what they have learnt since (and photos) while the report is open. The
    department sees it on the request's timeline; the public does not."""
    lock_request(request)
    require_signed_in(actor)
    require(request.applicant_user_id == actor.pk, _("Only the resident who reported this problem may add to it."))
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("This report is closed: information can no longer be added."), code="not_open")
    text = (text or "").strip()[:MAX_TEXT]
    prepared, problems = photos_prepare(photos)
    if problems:
        raise ValidationError({PHOTOS: problems})
    if not text and not prepared:
        raise ValidationError({"text": _("Write what you want to add, or add a photo.")})
    errors: dict[str, list[str]] = {}
    checked = check_uploads(_as_uploads(prepared), item=None, errors=errors)
    if errors:
        raise ValidationError({PHOTOS: [m for messages in errors.values() for m in messages]})
    attachments = attachments_create(request, checked, actor=actor)
    return request_event_record(request, actor=actor, action=Action.ADD_INFORMATION, note=text,
                                data={"attachments": [a.pk for a in attachments]})


@transaction.atomic
def service_request_public_reply(*, request: ServiceRequest, actor: User, text: str) -> RequestEvent:
    """The handling officer's reply, shown on the public page of a report shown publicly (and to the
    resident). Words for everyone: it must not name the resident."""
    lock_request(request)
    require_handler(request, actor)
    if not request.is_public:
        raise ValidationError(_("This request is not shown publicly: write to the resident with a note instead."),
                              code="not_public")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("Keep the reply under %(max)d characters.") % {"max": MAX_TEXT}})
    return request_event_record(request, actor=actor, action=Action.PUBLIC_REPLY, note=text)


def may_reply_publicly(*, user, request: ServiceRequest) -> bool:
    """Whether the department page offers the public reply: the request's handler, on a public report."""
    return request.is_public and scope_for(user).can_handle_request(request)
