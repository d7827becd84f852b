"""The administrators' workspace (/ops/): 等保 three-role administration and the personal-information
officer. Each page is open to the holders of one permission (accounts/roles.py gives them to the roles):

| page | who |
| --- | --- |
| /ops/ | any of the four (each sees their own sections) |
| (on /ops/) the readiness checks in detail | system admin (core.view_operations) |
| /ops/audit/ | audit admin (core.view_auditevent) |
| /ops/personal-data/ | data officer, security and audit admins (core.view_personaldataitem) |
| /ops/personal-data/access/ | audit admin, data officer (core.view_personal_data_access) |
| /ops/admins/ | security admin (the role; grants go through accounts.services.user_role_grant) |
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from accounts.roles import SEPARATED_ROLES, Role
from accounts.services import login_lockout_lift, user_role_grant, user_role_revoke
from accounts.two_factor import two_factor_reset
from core.audit import audit_event_record
from core.health import OPERATIONS_PERMISSION, health_run, health_verdict
from core.models import AuditEvent, AuditSeal, RetentionRun
from core.personal_data import personal_data_access_list, personal_data_inventory
from core.retention import retention_rules
from core.spreadsheets import FORMATS, Sheet, spreadsheet_response

ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DATA_OFFICER)
AUDIT_PERMISSION = "core.view_auditevent"
PAGE_SIZE = 50
AUDIT_EXPORT_LIMIT = 100_000  # rows in one export file; a longer period is exported in parts


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _is_security_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SECURITY_ADMIN)


def _day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _day_bounds(request) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    zone = timezone.get_current_timezone()
    return (datetime.datetime.combine(since, datetime.time(), zone) if since else None,
            datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(), zone) if until else None)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


class OpsHomeView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        sections = {
            "health": user.has_perm(OPERATIONS_PERMISSION),
            "audit": user.has_perm(AUDIT_PERMISSION),
            "inventory": user.has_perm("core.view_personaldataitem"),
            "access": user.has_perm("core.view_personal_data_access"),
            "admins": _is_security_admin(user),
            "data_requests": user.has_perm("core.view_personaldatarequest"),
        }
        require(any(sections.values()), _("This page is for the system, security and audit administrators "
                                          "and the data officer."))
        outcomes = health_run() if sections["health"] else []
        return TemplateResponse(request, "accounts/ops_home.html", {
            "sections": sections, "outcomes": outcomes, "verdict": health_verdict(outcomes) if outcomes else "",
        })


class AuditEventListView(LoginRequiredMixin, View):
    """The audit trail, newest first, with the chain's head: the audit admin's, read-only. `?format=csv|xlsx`
    exports the filtered events with their chain links (at most AUDIT_EXPORT_LIMIT; the export is audited)."""

    def get(self, request):
        require(request.user.has_perm(AUDIT_PERMISSION), _("Only the audit administrator reads the audit trail."))
        events = AuditEvent.objects.select_related("actor", "target_type").order_by("-at", "-pk")
        action = request.GET.get("action", "").strip()[:60]
        if action:
            events = events.filter(action__startswith=action)
        actor = request.GET.get("actor", "").strip()[:150]
        if actor:
            events = events.filter(actor__username=actor)
        since, until = _day_bounds(request)
        if since:
            events = events.filter(at__gte=since)
        if until:
            events = events.filter(at__lt=until)
        filters = {"action": action, "actor": actor, "since": request.GET.get("since", ""),
                   "until": request.GET.get("until", "")}
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            return self.export(request, events, filters, fmt)
        return TemplateResponse(request, "accounts/ops_audit.html", {
            "page_obj": _page(request, events), "head": AuditSeal.objects.order_by("-seq").first(),
            "filters": filters, "export_query": urlencode({k: v for k, v in filters.items() if v}),
        })

    def export(self, request, events, filters, fmt):
        count = events.count()
        if count > AUDIT_EXPORT_LIMIT:
            messages.error(request, _("%(count)s events match; an export holds at most %(limit)s. Choose a shorter "
                                      "period.") % {"count": f"{count:,}", "limit": f"{AUDIT_EXPORT_LIMIT:,}"})
            return redirect(f"{request.path}?{urlencode({k: v for k, v in filters.items() if v})}")
        audit_event_record(actor=request.user, action="audit.exported", target=request.user,
                           data={"format": fmt, "events": count, "filters": {k: v for k, v in filters.items() if v}})
        sheet = Sheet(title=_("Audit trail"), headers=[
            _("Event"), _("When"), _("Who"), _("Action"), _("Record type"), _("Record"), _("Details"),
            _("Chain link"), _("Link digest")], rows=_audit_rows(events), widths=[10, 18, 16, 24, 16, 30, 40, 10, 66])
        return spreadsheet_response(sheet, fmt=fmt, filename=f"audit-{timezone.localdate():%Y%m%d}")


def _audit_rows(events):
    """The events as export rows, each with its link in the hash chain (empty until sealed)."""
    batch = []
    for event in events.iterator(chunk_size=2000):
        batch.append(event)
        if len(batch) == 2000:
            yield from _rows_with_links(batch)
            batch = []
    yield from _rows_with_links(batch)


def _rows_with_links(events):
    links = {seal.event_id: seal for seal in AuditSeal.objects.filter(event_id__in=[e.pk for e in events])}
    for event in events:
        link = links.get(event.pk)
        yield [event.pk, event.at, event.actor.username if event.actor else _("the system"), event.action,
               event.target_type.name, f"#{event.target_id} {event.target_repr}",
               json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
               link.seq if link else None, link.digest if link else ""]


class PersonalDataInventoryView(LoginRequiredMixin, View):
    def get(self, request):
        return TemplateResponse(request, "accounts/ops_personal_data.html", {
            "items": personal_data_inventory(user=request.user), "rules": retention_rules(),
            "runs": RetentionRun.objects.all()[:10]})


class PersonalDataAccessListView(LoginRequiredMixin, View):
    """Who was shown which resident's full ID number, phone or address, when, and why."""

    def get(self, request):
        since, until = _day_bounds(request)
        viewer = request.GET.get("viewer", "").strip()[:150]
        viewer_id = User.objects.filter(username=viewer).values_list("pk", flat=True).first() if viewer else None
        events = personal_data_access_list(user=request.user, since=since, until=until,
                                           actor_id=viewer_id if viewer else None)
        if viewer and viewer_id is None:
            events = events.none()
        return TemplateResponse(request, "accounts/ops_personal_data_access.html", {
            "page_obj": _page(request, events),
            "filters": {"viewer": viewer, "since": request.GET.get("since", ""), "until": request.GET.get("until", "")},
        })


class AdminRoleListView(LoginRequiredMixin, View):
    """The security admin's: who holds the administrators' roles; give or take one."""

    def _require(self, request):
        require(_is_security_admin(request.user), _("Only the security administrator manages the administrators."))

    def get(self, request, *, status: int = 200, error: str = ""):
        self._require(request)
        holders = (User.objects.filter(groups__name__in=[r.value for r in ADMIN_ROLES]).distinct()
                   .prefetch_related("groups").order_by("username"))
        rows = [(holder, [Role(g.name) for g in holder.groups.all() if g.name in {r.value for r in ADMIN_ROLES}])
                for holder in holders]
        return TemplateResponse(request, "accounts/ops_admins.html", {
            "rows": rows, "roles": ADMIN_ROLES, "separated": SEPARATED_ROLES, "error": error,
            "username": request.POST.get("username", "") if request.method == "POST" else "",
        }, status=status)

    def post(self, request):
        self._require(request)
        verb = request.POST.get("action")
        if verb == "lift":
            return self._lift(request)
        if verb == "two_factor_reset":
            return self._two_factor_reset(request)
        role_value = request.POST.get("role", "")
        if verb not in ("grant", "revoke") or role_value not in {r.value for r in ADMIN_ROLES}:
            return self.get(request, status=400, error=_("Choose a role to give or take away."))
        user = User.objects.filter(username=request.POST.get("username", "").strip()[:150], is_active=True).first()
        if user is None:
            return self.get(request, status=400, error=_("There is no active account with this user name."))
        service = user_role_grant if verb == "grant" else user_role_revoke
        try:
            service(user=user, role=Role(role_value), actor=request.user)
        except PermissionDenied as refusal:
            return self.get(request, status=403, error=str(refusal))
        messages.success(request, (_("%(user)s is now %(role)s.") if verb == "grant" else
                                   _("%(user)s is no longer %(role)s.")) % {"user": user,
                                                                           "role": Role(role_value).label})
        return redirect("accounts:ops-admins")

    def _lift(self, request):
        username = request.POST.get("username", "").strip()[:150]
        if not username:
            return self.get(request, status=400, error=_("Give the user name whose lock-out to lift."))
        try:
            lifted = login_lockout_lift(actor=request.user, username=username)
        except PermissionDenied as refusal:
            return self.get(request, status=403, error=str(refusal))
        messages.success(request, _("The lock-out of %(user)s is lifted.") % {"user": username} if lifted
                         else _("%(user)s was not locked out.") % {"user": username})
        return redirect("accounts:ops-admins")

    def _two_factor_reset(self, request):
        """A lost phone: the person sets up a new authenticator at their next sign-in."""
        user = User.objects.filter(username=request.POST.get("username", "").strip()[:150]).first()
        if user is None:
            return self.get(request, status=400, error=_("There is no account with this user name."))
        try:
            reset = two_factor_reset(actor=request.user, user=user)
        except PermissionDenied as refusal:
            return self.get(request, status=403, error=str(refusal))
        messages.success(request, _("The two-factor sign-in of %(user)s is reset; they set up a new phone at "
                                    "their next sign-in.") % {"user": user.username} if reset
                         else _("%(user)s had no two-factor sign-in set up.") % {"user": user.username})
        return redirect("accounts:ops-admins")
