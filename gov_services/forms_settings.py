"""Forms of the county settings screens: routing rules, the route tester, the holiday calendar."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gov_services.models import CalendarDay, ServiceRequest


class RoutingRuleForm(forms.Form):
    category = forms.ChoiceField(label=_("Appeal category"), choices=ServiceRequest.AppealCategory.choices)
    region = forms.ModelChoiceField(label=_("From region"), queryset=None, required=False,
                                    empty_label=_("Anywhere in the county"),
                                    help_text=_("Only appeals from villages in this region match."))
    keyword = forms.CharField(label=_("Keyword"), max_length=30, required=False,
                              help_text=_("Optional: match only appeals whose text contains it."))
    department = forms.ModelChoiceField(label=_("Department"), queryset=None,
                                        help_text=_("The county's departments and township centres, and the "
                                                    "city-level (市直) departments of its city."))

    def __init__(self, *args, regions, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = (
            lambda department: f"{department.name}（{department.get_level_display()}）")

    @classmethod
    def initial_for(cls, rule) -> dict:
        return {"category": rule.category, "region": rule.region_id, "keyword": rule.keyword,
                "department": rule.department_id}


class RouteTestForm(forms.Form):
    category = forms.ChoiceField(label=_("Appeal category"), choices=ServiceRequest.AppealCategory.choices)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, required=False,
                                     empty_label=_("Not given"))
    text = forms.CharField(label=_("Appeal text"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=pgettext_lazy("calendar day", "Name"), max_length=40,
                           help_text=_("E.g. 春节 or 国庆节调休."))
