"""Reads of application drafts (gov_services.requests.models.drafts): the draft a counter form restores, and a
draft's scan for its thumbnail. A counter draft is the station's business: its counter staff may see its
scans and throw it away; only the operator who started it gets it restored into their form. An online
draft (no station) is its resident's alone."""

from django.utils import timezone

from gov_services.models import ApplicationDraft, DraftScan
from stations.scope import get_in_scope, scope_for


def _station_drafts(*, user):
    scope = scope_for(user)
    station = scope.counter_station if scope.is_counter_staff else None
    if station is None:
        return ApplicationDraft.objects.none()
    return ApplicationDraft.objects.filter(station=station, expires_at__gt=timezone.now())


def open_application_draft(*, user, item, visit=None) -> ApplicationDraft | None:
    """The operator's newest unfiled, unexpired draft of `item` at their station (in `visit`, or outside
    any visit when None), with its scans; None when there is none."""
    drafts = _station_drafts(user=user).filter(operator=user, item=item, filed_request__isnull=True)
    drafts = drafts.filter(visit=visit) if visit is not None else drafts.filter(visit__isnull=True)
    return drafts.prefetch_related("scans").order_by("-updated_at", "-pk").first()


def application_draft_by_key(*, user, key) -> ApplicationDraft | None:
    """The draft of the form named `key`, when it is the user's own at their station; None otherwise."""
    return _station_drafts(user=user).filter(operator=user, key=key).prefetch_related("scans").first()


def access_application_draft_by_id(*, user, draft_id: int) -> ApplicationDraft:
    """A draft of the user's station (404 otherwise)."""
    return get_in_scope(_station_drafts(user=user), pk=draft_id)


def access_draft_scan_by_id(*, user, scan_id: int) -> DraftScan:
    """A scan of a draft of the user's station (404 otherwise)."""
    return get_in_scope(DraftScan.objects.filter(draft__in=_station_drafts(user=user).values("pk")), pk=scan_id)


def recently_filed_draft_keys(*, user, item) -> list:
    """The form keys of the operator's drafts of `item` filed in the last hour (still kept): the page's
    script drops a copy kept in the browser under one of them, since that application was filed."""
    return list(_station_drafts(user=user).filter(operator=user, item=item, filed_request__isnull=False)
                .values_list("key", flat=True)[:20])


def _own_online_drafts(*, user):
    if not user.is_authenticated:
        return ApplicationDraft.objects.none()
    return ApplicationDraft.objects.filter(operator=user, station__isnull=True, filed_request__isnull=True,
                                           expires_at__gt=timezone.now())


def resident_drafts(*, user) -> list[ApplicationDraft]:
    """The resident's unfinished online applications, newest first, with their item (for "my requests")."""
    return list(_own_online_drafts(user=user).select_related("item").prefetch_related("scans")
                .order_by("-updated_at", "-pk"))


def open_resident_draft(*, user, item) -> ApplicationDraft | None:
    """The resident's newest unfinished online draft of `item`, with its scans; None when there is none."""
    return (_own_online_drafts(user=user).filter(item=item).prefetch_related("scans")
            .order_by("-updated_at", "-pk").first())


def access_resident_draft_by_id(*, user, draft_id: int) -> ApplicationDraft:
    """One of the resident's own unfinished online drafts (404 otherwise)."""
    return get_in_scope(_own_online_drafts(user=user), pk=draft_id)
