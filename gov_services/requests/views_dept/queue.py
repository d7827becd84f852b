"""The department queue (/dept/): the officer's buckets and filters, saved views, and the head's bulk
assignment."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from core.http import int_or_none
from gov_services.identifiers import format_tracking_code
from gov_services.models import SavedQueueView
from gov_services.requests.display import with_row_display
from gov_services.requests.filters_dept import QueueFilter
from gov_services.requests.selectors import requests as request_selectors
from gov_services.requests.services import queue as queue_services
from gov_services.requests.views_dept.access import officer_memberships, safe_next
from gov_services.selectors import departments as department_selectors
from stations.mixins import DepartmentStaffMixin

QUEUE_PAGE_SIZE = 50


BUCKET_LABELS = {
    "unassigned": _("Unassigned"),
    "mine": _("Mine"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "all": _("All open"),
}


def _queue_counts(*, user, department_id: int | None) -> dict[str, int]:
    """Open requests per bucket in one query (each bucket as the selector defines it)."""
    def bucket(name):
        requests = request_selectors.department_queue(user=user, bucket=name)
        return requests.filter(department_id=department_id) if department_id else requests

    counts = bucket("all").aggregate(
        all=Count("pk"),
        **{name: Count("pk", filter=Q(pk__in=bucket(name).values("pk")))
           for name in request_selectors.QUEUE_BUCKETS if name != "all"})
    return {name: counts[name] or 0 for name in request_selectors.QUEUE_BUCKETS}


class DepartmentHomeView(DepartmentStaffMixin, View):
    """The officer's work queue: buckets with counts, a department filter when they work for several,
    soonest deadline first; their departments and colleagues below the queue."""

    template_name = "gov_services/dept_home.html"

    def get(self, request):
        user = request.user
        memberships = officer_memberships(user)
        bucket = request.GET.get("bucket") or "unassigned"
        if bucket not in request_selectors.QUEUE_BUCKETS:
            bucket = "unassigned"
        if user.is_superuser and not memberships:
            department_choices = [(d.pk, d.name) for d in department_selectors.department_list(user=user)]
        else:
            department_choices = [(m.department_id, m.department.name) for m in memberships]
        department_id = int_or_none(request.GET.get("department"))
        if department_id not in {pk for pk, _name in department_choices}:
            department_id = None

        queue = request_selectors.department_queue(user=user, bucket=bucket)
        if department_id:
            queue = queue.filter(department_id=department_id)
        colleagues = {m.user_id: m.user for dep in memberships
                      for m in department_selectors.department_members(department=dep.department)}
        search = QueueFilter(request.GET or None, queryset=queue, request=request,
                             members=[(pk, str(u)) for pk, u in colleagues.items()])
        if search.is_bound and search.is_valid():
            queue = search.qs
        counts = _queue_counts(user=user, department_id=department_id)
        page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = with_row_display(page.object_list)

        departments = [
            {"department": m.department, "is_head": m.is_head,
             "members": list(department_selectors.department_members(department=m.department)),
             "workload": department_selectors.department_workload(department=m.department) if m.is_head else None}
            for m in memberships
        ]
        may_bulk = any(m.is_head for m in memberships) or user.is_superuser
        query = request.GET.copy()
        query.pop("page", None)
        return TemplateResponse(request, self.template_name, {
            "bucket": bucket,
            "buckets": [{"name": name, "label": BUCKET_LABELS[name], "count": counts[name]}
                        for name in request_selectors.QUEUE_BUCKETS],
            "page_obj": page,
            "requests": page.object_list,
            "departments": departments,
            "department_choices": department_choices,
            "department_id": department_id,
            "due_soon_days": request_selectors.DUE_SOON_WORKING_DAYS,
            "search": search,
            "searching": any(search.form.data.get(name) for name in ("q", "step", "deadline", "handler", "item")),
            "saved_views": list(SavedQueueView.objects.filter(user=user)),
            "current_query": query.urlencode(),
            "bulk_members": sorted(colleagues.items(), key=lambda pair: str(pair[1])) if may_bulk else [],
        })


class SavedQueueViewCreateView(DepartmentStaffMixin, View):
    """POST /dept/views/: save the queue's current search under a name (the officer's own)."""

    def post(self, request):
        try:
            queue_services.saved_queue_view_create(user=request.user, name=request.POST.get("name", ""),
                                                   query=request.POST.get("query", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("View saved."))
        return HttpResponseRedirect(reverse("gov_services:dept-home") + "?" + request.POST.get("query", ""))


class SavedQueueViewDeleteView(DepartmentStaffMixin, View):
    """POST /dept/views/<pk>/delete/: an officer removes one of their saved views (another's is a 404)."""

    def post(self, request, pk):
        view = SavedQueueView.objects.filter(user=request.user, pk=pk).first()
        if view is None:
            raise Http404(_("No such view."))
        queue_services.saved_queue_view_delete(user=request.user, view=view)
        messages.success(request, _("View removed."))
        return HttpResponseRedirect(reverse("gov_services:dept-home"))


class DepartmentBulkAssignView(DepartmentStaffMixin, View):
    """POST /dept/bulk-assign/: give the ticked requests to one officer (assign, or hand over with a note).
    Only assignment and hand-over are offered in bulk; decisions never are."""

    def post(self, request):
        back = safe_next(request, reverse("gov_services:dept-home"))
        ids = [pk for pk in (int_or_none(v) for v in request.POST.getlist("requests")) if pk][:200]
        assignee_id = int_or_none(request.POST.get("assignee"))
        if not ids:
            messages.error(request, _("Tick the requests to assign first."))
            return HttpResponseRedirect(back)
        department_ids = {m.department_id for m in officer_memberships(request.user)}
        queue = request_selectors.service_request_list(user=request.user)
        if not request.user.is_superuser:
            queue = queue.filter(department_id__in=department_ids)
        chosen = list(queue.filter(pk__in=ids))
        assignee = User.objects.filter(pk=assignee_id, department_memberships__department_id__in=[
            r.department_id for r in chosen]).distinct().first() if assignee_id else None
        if assignee is None:
            messages.error(request, _("Choose an officer of the department."))
            return HttpResponseRedirect(back)
        try:
            moved, refused = queue_services.service_requests_bulk_assign(
                actor=request.user, requests=chosen, assignee=assignee, note=request.POST.get("note", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        if moved:
            messages.success(request, _("%(n)s requests given to %(name)s.") % {"n": len(moved), "name": assignee})
        for service_request, reason in refused:
            messages.warning(request, _("%(code)s was not moved: %(reason)s") % {
                "code": format_tracking_code(service_request.tracking_code), "reason": reason})
        return HttpResponseRedirect(back)
