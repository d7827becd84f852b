"""Forms of the departments' set-up screens (gov_services/views_setup_departments.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gov_services.models import Department
from stations.forms import StaffAccountFields


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return f"{region.name}（{region.get_level_display()} {region.code}）"


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Department code"), max_length=20,
                           help_text=_("E.g. LT-MZJ; imports and reports name the department by it. It never changes."))
    name = forms.CharField(label=_("Name"), max_length=80)
    level = forms.ChoiceField(label=_("Level"), choices=Department.Level.choices, initial=Department.Level.COUNTY,
                              help_text=_("City-level (市直), county or township (乡镇便民服务中心)."))
    region = RegionChoiceField(label=_("Region served"), queryset=None,
                               help_text=_("The city, county or township of that level."))
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
