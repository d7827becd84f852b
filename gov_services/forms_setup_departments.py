"""Forms of the departments' set-up screens (gov_services/views_setup_departments.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from gov_services.models import Department
from stations.forms import StaffAccountFields
from stations.models import StaffAssignment


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return f"{region.name}（{region.get_level_display()} {region.code}）"


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Department code"), max_length=20,
                           help_text=_("E.g. LT-MZJ; imports and reports name the department by it. It never changes."))
    name = forms.CharField(label=_("Department name"), max_length=80)
    level = forms.ChoiceField(label=_("Level"), choices=Department.Level.choices, initial=Department.Level.COUNTY,
                              help_text=_("City-level (市直), county, township (乡镇便民服务中心) or a village committee (村委会)."))
    region = RegionChoiceField(label=_("Region served"), queryset=None,
                               help_text=_("The city, county, township or village of that level."))
    phone = forms.CharField(label=_("Service phone"), max_length=20, required=False)
    is_dispatch_desk = forms.BooleanField(label=_("Dispatch desk: receives the appeals no routing rule matches"),
                                          required=False)

    def __init__(self, *args, regions, department: Department | None = None, **kwargs):
        if department is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(department, name)
                                 for name in ("code", "name", "level", "region", "phone", "is_dispatch_desk")}
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if department is not None:
            del self.fields["code"]


class DepartmentMemberForm(StaffAccountFields):
    is_head = forms.BooleanField(label=_("Department head (assigns the department's requests)"), required=False)
    field_order = ["account", "full_name", "phone", "is_head"]


class DepartmentActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("0", "0"), ("1", "1")], coerce=lambda value: value == "1")
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DepartmentMemberRoleForm(forms.Form):
    """Officer ↔ head of the same department, in place: which membership and its new post."""

    membership = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    role = forms.ChoiceField(choices=[("officer", _("Department officer")), ("head", _("Department head"))])


class AdminPostForm(StaffAccountFields):
    """A township-admin or county-admin post: the role, the township or county, and whom it is for."""

    role = forms.ChoiceField(label=_("Post"), choices=[(Role.TOWNSHIP_ADMIN.value, Role.TOWNSHIP_ADMIN.label),
                                                      (Role.COUNTY_ADMIN.value, Role.COUNTY_ADMIN.label)])
    region = RegionChoiceField(label=_("Township or county"), queryset=None,
                               help_text=_("A township admin serves a township; a county admin the county."))
    field_order = ["role", "region", "account", "full_name", "phone"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean(self):
        data = super().clean()
        role, region = data.get("role"), data.get("region")
        if role and region is not None and region.level != StaffAssignment.REGION_LEVEL[Role(role)]:
            self.add_error("region", _("A township admin serves a township, a county admin a county: choose a "
                                       "region of that level."))
        return data
