"""What the counter's application page needs to keep a draft (gov_services/requests/services/drafts.py): the typed
fields read from a post, the replacement files, the kept scans set beside their material's input, and
the kept signature as a data URL. Parsing and presentation only; the draft's rules live in its service."""

import base64

from django import forms

from gov_services.catalogue.eforms import bound_fields, build_form
from gov_services.requests.forms_counter import OTHER_FILES, SIGNATURE_DATA_URL_PREFIX

EFORM_PREFIX = "eform"
APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone", "consent")
ONLINE_APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone", "village")
REPLACE_PREFIX = "draft-replace-"


def typed_fields(post, eform, *, names=APPLICANT_FIELDS) -> dict:
    """The applicant's and the e-form's fields as posted (never the key, the code or the signature)."""
    fields = {name: post.get(name, "") for name in names}
    if eform is not None:
        for name in eform.fields:
            key = eform.add_prefix(name)
            multiple = isinstance(eform.fields[name], forms.MultipleChoiceField)
            fields[key] = post.getlist(key) if multiple else post.get(key, "")
    return fields


def draft_replacements(files) -> dict:
    """{kept scan id: the file chosen to replace it} from inputs named "draft-replace-<scan id>"."""
    replacements = {}
    for name, upload in files.items():
        suffix = name[len(REPLACE_PREFIX):] if name.startswith(REPLACE_PREFIX) else ""
        if suffix.isdigit():
            replacements[int(suffix)] = upload
    return replacements


def kept_scans_onto(scans, draft) -> None:
    """Set `kept_scans` on each field of the scan form: the draft's scans of that material."""
    kept = list(draft.scans.all()) if draft is not None else []
    for name, field in scans.fields.items():
        material = getattr(field, "material", None)
        if name == OTHER_FILES:
            field.kept_scans = [scan for scan in kept if scan.material_id is None]
        else:
            field.kept_scans = [scan for scan in kept if material is not None and scan.material_id == material.pk]
        for scan in field.kept_scans:
            scan.thumbnail_url = scan_thumbnail_url(scan)


def scan_thumbnail_url(scan) -> str:
    """A kept scan's thumbnail inline (a data URL: no request per scan); "" for a PDF."""
    return "data:image/jpeg;base64," + base64.b64encode(bytes(scan.thumbnail)).decode("ascii") if scan.thumbnail else ""


def draft_signature_url(draft) -> str:
    if draft is None or not draft.signature:
        return ""
    return SIGNATURE_DATA_URL_PREFIX + base64.b64encode(bytes(draft.signature)).decode("ascii")


def unbound_eform(item, eform):
    """The e-form shown again without judging it (after a draft-only action), with what was typed."""
    if eform is None:
        return None
    initial = {name: eform[name].data for name in eform.fields}
    return build_form(item.form_schema, prefix=EFORM_PREFIX, initial=initial)


def with_bound_fields(post, schema):
    """The post with the e-form's bound fields set to the applicant's inputs (the server fills them, as the
    page's script mirrors them; the service does it again for every channel)."""
    bindings = bound_fields(schema)
    if not bindings:
        return post
    data = post.copy()
    for name, bind in bindings.items():
        data[f"{EFORM_PREFIX}-{name}"] = post.get(bind, "").strip()
    return data


def hide_bound_field_errors(eform) -> None:
    """A bound field's problem is the applicant field's, shown there once."""
    if eform is None or not eform.is_bound:
        return
    for name in bound_fields(eform.schema):
        eform.errors.pop(name, None)
