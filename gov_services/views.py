from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from gov_services.selectors import departments as selectors


class DepartmentHomeView(LoginRequiredMixin, TemplateView):
    """The officer's workspace: the departments they work for and who works there."""

    template_name = "gov_services/dept_home.html"

    def get_context_data(self, **kwargs):
        memberships = list(selectors.memberships_of(user=self.request.user))
        if not memberships:
            raise PermissionDenied(_("Your account is not a member of any department."))
        departments = [
            {"department": m.department, "is_head": m.is_head,
             "members": selectors.department_members(department=m.department)}
            for m in memberships
        ]
        return super().get_context_data(departments=departments, **kwargs)
