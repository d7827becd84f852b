"""SMS templates: the one a message goes out with (a county's approved template, the platform's, or the
purpose's built-in wording), its rendering, and the county admins' records of their approved templates."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import audit_event_record
from core.models import SmsTemplate
from core.sms.backends import sms_gateway_is_real
from core.sms.purposes import SmsPurpose, sms_purpose, sms_purposes


@dataclass(frozen=True)
class TemplateChoice:
    """The template a message goes out with: a county's (or the platform's) approved one, or the
    purpose's built-in default (no code: only the console, the outbox and the simulators take that)."""

    purpose: str
    template_code: str
    sign_name: str
    param_names: tuple[str, ...]
    content: str = ""
    region_path: str | None = None  # the SmsTemplate's region; None for the built-in default

    @property
    def builtin(self) -> bool:
        return self.region_path is None


VARIABLE = re.compile(r"\$\{(\w+)\}")


def _builtin_template(purpose: SmsPurpose) -> TemplateChoice:
    return TemplateChoice(purpose=purpose.key, template_code="", sign_name=settings.SMS_DEFAULT_SIGN_NAME,
                          param_names=purpose.params)


def sms_template_resolve(*, purpose: str, region_path: str = "") -> TemplateChoice | None:
    """The approved template for a message of `purpose` about the place at `region_path`: the one of
    the narrowest region holding the place (a county's, else the platform-wide one). Without one, the
    built-in default when the backend is not a real gateway, else None (the message cannot be sent)."""
    spec = sms_purpose(purpose)
    path = region_path if spec.county else ""
    candidates = [row for row in SmsTemplate.objects.filter(purpose=purpose, approved=True)
                  if path.startswith(row.region_path)]
    if candidates:
        row = max(candidates, key=lambda row: len(row.region_path))
        return TemplateChoice(purpose=purpose, template_code=row.template_code, sign_name=row.sign_name,
                              param_names=tuple(row.param_names or spec.params), content=row.content,
                              region_path=row.region_path)
    if sms_gateway_is_real():
        return None
    return _builtin_template(spec)


def sms_render(*, purpose: str, params: Mapping[str, str], template: TemplateChoice | None = None,
               language: str | None = None) -> str:
    """The text a message reads as: the template's approved wording with its ${name} variables filled,
    or the purpose's built-in wording in `language` (the site's language unless told)."""
    spec = sms_purpose(purpose)
    if template is not None and template.content:
        return VARIABLE.sub(lambda match: str(params.get(match.group(1), match.group(0))), template.content)
    with override(language or settings.LANGUAGE_CODE):
        wording = str(spec.text)
    # %(minutes)d: the parameters are text (a gateway's are), so each number is put in as written
    wording = NUMBER_FIELD.sub(r"%(\1)s", wording)
    return wording % {name: params.get(name, "") for name in spec.params}


NUMBER_FIELD = re.compile(r"%\((\w+)\)d")

def sms_template_save(*, user, region_path: str, purpose: str, template_code: str, sign_name: str,
                      content: str = "", param_names: Sequence[str] = (), approved: bool = True) -> SmsTemplate:
    """Record the template a region had approved for a purpose (who may is the caller's business); audited.

    ValidationError, by field, for a code or sign name missing, a variable the purpose does not have,
    or wording that uses a variable not listed."""
    spec = sms_purpose(purpose)
    template_code, sign_name, content = template_code.strip(), sign_name.strip(), (content or "").strip()
    param_names = [name.strip() for name in param_names if name.strip()] or list(spec.params)
    errors: dict[str, list[str]] = {}
    if not template_code:
        errors["template_code"] = [_("Enter the template code the gateway gave the approved template.")]
    if not sign_name:
        errors["sign_name"] = [_("Enter the approved sign name.")]
    unknown = [name for name in param_names if name not in spec.params]
    if unknown or len(set(param_names)) != len(param_names):
        errors["param_names"] = [_("Use each of these variables at most once: %(names)s.")
                                 % {"names": ", ".join(spec.params)}]
    stray = sorted({name for name in VARIABLE.findall(content) if name not in param_names})
    if stray:
        errors["content"] = [_("The wording uses variables the template does not list: %(names)s.")
                             % {"names": ", ".join(stray)}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        template = SmsTemplate.objects.select_for_update().filter(region_path=region_path, purpose=purpose).first()
        before = None
        if template is None:
            template = SmsTemplate(region_path=region_path, purpose=purpose)
        else:
            before = {"template_code": template.template_code, "sign_name": template.sign_name,
                      "content": template.content, "param_names": template.param_names,
                      "approved": template.approved}
        template.template_code, template.sign_name, template.content = template_code, sign_name, content
        template.param_names, template.approved, template.updated_by = param_names, approved, user
        template.save()
        after = {"template_code": template_code, "sign_name": sign_name, "content": content,
                 "param_names": param_names, "approved": approved}
        if after != before:
            audit_event_record(actor=user, action="sms_template.save", target=template,
                               data={"region_path": region_path, "purpose": purpose, "before": before, "after": after})
    return template


def sms_templates_missing(*, county_paths: Iterable[str]) -> list[tuple[str, str]]:
    """(county path, purpose) pairs that have no approved template (their own or the platform's);
    ("", purpose) for the purposes about no place. What `manage.py check` lists with a real gateway."""
    rows = list(SmsTemplate.objects.filter(approved=True).values_list("region_path", "purpose"))
    missing = []
    for purpose in sms_purposes():
        paths = [path for path, key in rows if key == purpose.key]
        if not purpose.county:
            if "" not in paths:
                missing.append(("", purpose.key))
            continue
        for county in county_paths:
            if not any(county.startswith(path) for path in paths):
                missing.append((county, purpose.key))
    return missing
