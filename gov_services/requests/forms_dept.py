"""Forms of the department's request page.

RequestActionForm is the note / department / officer form beside each action on a request's page
(one form per action, the fields that action takes). It only parses input: who may do what is the
services' business. The queue's and the admins' list filters are FilterSets (filters_dept.py).
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from gov_services.requests.workflow import Action


@dataclass(frozen=True)
class ActionSpec:
    """How an action appears in the action panel and what its form asks for."""

    fields: tuple[str, ...] = ("note",)
    note_required: bool = False
    note_label: str = _("Note (optional)")
    note_help: str = ""
    style: str = "secondary"      # primary | secondary | danger (the button)
    public_note: bool = True      # the note is shown to the resident (a status move's note)
    confirm: bool = False         # a decision: the officer ticks a confirmation before it is sent


ACTION_SPECS: dict[str, ActionSpec] = {
    Action.ACCEPT: ActionSpec(style="primary"),
    Action.RETURN_FOR_SUPPLEMENT: ActionSpec(
        note_required=True, note_label=_("What is missing"),
        note_help=_("Shown to the resident. The clock pauses until they bring it.")),
    Action.REJECT: ActionSpec(
        note_required=True, note_label=_("Reason for not accepting"), note_help=_("Shown to the resident."),
        style="danger"),
    Action.START_REVIEW: ActionSpec(style="primary", note_label=_("Review opinion (optional)"),
                                    note_help=_("Completes the review step and sends the request for approval.")),
    Action.STEP_DONE: ActionSpec(style="primary", note_required=True, note_label=_("What the step found"),
                                 note_help=_("For an inspection, what was found on site; for a public notice, "
                                             "where it was posted and whether anyone objected."),
                                 public_note=False),
    Action.APPROVE: ActionSpec(style="primary", note_required=True, note_label=_("Approval opinion"),
                               note_help=_("Shown to the resident."), confirm=True),
    Action.REFUSE: ActionSpec(note_required=True, note_label=_("Reason for refusing"),
                              note_help=_("Shown to the resident."), style="danger", confirm=True),
    Action.COMPLETE: ActionSpec(style="primary", note_help=_("Say how the result is issued (collected, "
                                                              "mailed, at the station …).")),
    Action.CLOSE: ActionSpec(),
    Action.REROUTE: ActionSpec(fields=("department", "note"), note_required=True,
                               note_label=_("Why another department"), public_note=False),
    Action.CLAIM: ActionSpec(fields=(), style="primary", public_note=False),
    Action.ASSIGN: ActionSpec(fields=("assignee",), public_note=False),
    Action.TRANSFER: ActionSpec(fields=("assignee", "note"), note_required=True,
                                note_label=_("Why you hand it over"), public_note=False),
    Action.NOTE: ActionSpec(fields=("note", "internal"), note_required=True, note_label=_("Note"),
                            public_note=False),
}

# The actions staff take on a request's page, in the panel's order. resubmit and rate are the
# resident's side; submit is the request's first event, never a button.
STAFF_ACTIONS: tuple[str, ...] = tuple(ACTION_SPECS)
NOTE_MAX_LENGTH = 2000


class RequestActionForm(forms.Form):
    """The input of one action. `departments` (reroute) and `members` (assign, transfer) are the
    choices the picker offers, as (id, label) pairs; the services check them again."""

    action = forms.CharField(widget=forms.HiddenInput)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("Officer"), coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(label=_("Internal (hidden from the resident)"), required=False, initial=True)
    confirm = forms.BooleanField(label=_("I have checked the materials and confirm this decision"), required=True,
                                 error_messages={"required": _("Tick the box to confirm the decision.")})

    def __init__(self, *args, action: str, departments=(), members=(), **kwargs):
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"action": action, **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.action_name = action
        self.spec = spec = ACTION_SPECS[action]
        for name in ("department", "assignee", "note", "internal"):
            if name not in spec.fields:
                del self.fields[name]
        if not spec.confirm:
            del self.fields["confirm"]
        if "department" in self.fields:
            self.fields["department"].choices = [("", _("Choose a department")), *departments]
        if "assignee" in self.fields:
            self.fields["assignee"].choices = [("", _("Choose an officer")), *members]
        if "note" in self.fields:
            note = self.fields["note"]
            note.label, note.required, note.help_text = spec.note_label, spec.note_required, spec.note_help
            if spec.note_required:
                note.error_messages["required"] = _("This action needs a note.")

    def clean_action(self):
        if self.cleaned_data["action"] != self.action_name:
            raise forms.ValidationError(_("The form does not match the action."))
        return self.action_name

    @property
    def label(self) -> str:
        return Action(self.action_name).label
