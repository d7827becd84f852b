"""Setting up the till: providers, their products, and commission plans with their versions.

Providers, products and plans are one catalogue shared by the platform's counties: county admins
with the role's permission change it (stations.scope.can_set_up_till); `actor=None` is the system
(seed_demo, management commands). Every service is keyword-only and transactional, records an audit
event with what changed, and raises ValidationError keyed by field with nothing saved. A code is
what files and other apps name a row by, so it is set once, at creation.

A plan's terms are its versions (agency/tariffs.py computes them). A version in force is never edited
in place — the database refuses any change to a version and the removal of one that has started
(docs/database-invariants.md): new terms are a new version from a date, today or later, and the
till picks the version in force on the day of each payment. A plan's first version may start on any
day (nothing was paid under a plan that did not exist yet), so that a county can record terms it
already has; a version that has not started yet may be withdrawn.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.services.common import plan_version_in_force
from core.audit import audit_event_record
from stations.scope import can_set_up_till, require

PROVIDER_FIELDS = ("name", "float_group", "adapter", "is_active")
PRODUCT_FIELDS = ("provider", "name", "kind", "direction", "account_label", "account_min_length", "account_max_length",
                  "account_digits_only", "account_check_digit", "amount_min_fen", "amount_max_fen",
                  "amount_choices_fen", "customer_fee_fen", "reversal_window_minutes", "lookup_supported",
                  "commission_plan", "is_active")
TERMS = ("method", "rate_bp", "flat_fen", "slabs", "min_fen", "max_fen", "share_operator_bp", "share_township_bp",
         "share_county_bp", "share_platform_bp", "tax_rate_bp")
# What each method reads; the other terms are stored at their defaults, so that two versions with the
# same effect compare equal and a version says only what it does.
METHOD_TERMS = {"percentage": ("rate_bp",), "flat": ("flat_fen",), "slabs": ("slabs",)}
UNUSED_DEFAULTS = {"rate_bp": 0, "flat_fen": 0, "slabs": []}


# --- shared pieces ---------------------------------------------------------------------------------

def require_till_setup(actor, permission: str) -> None:
    if actor is None:  # the system
        return
    require(actor.is_authenticated and can_set_up_till(actor, permission),
            _("Only a county admin sets up the till's providers, products and commission plans."))


def _known(fields: dict, allowed: tuple[str, ...], service: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service}() got unknown fields: {sorted(unknown)}")


def _errors_of(row: Model, *, exclude: tuple[str, ...] = (), unique: bool = True) -> dict[str, list[str]]:
    """The model's own field checks (constraints are checked by the callers, with messages people read)."""
    try:
        row.full_clean(exclude=list(exclude), validate_unique=unique, validate_constraints=False)
    except ValidationError as error:
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {}


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _merged(*error_dicts: dict) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for errors in error_dicts:
        for field, messages in errors.items():
            merged.setdefault(field, []).extend(m for m in messages if m not in merged.get(field, []))
    return merged


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def snapshot(row: Model, fields: tuple[str, ...]) -> dict:
    return {name: getattr(row, f"{name}_id" if row._meta.get_field(name).is_relation else name) for name in fields}


def changes_between(before: dict, after: dict) -> dict:
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def assign(row: Model, values: dict, fields: tuple[str, ...]) -> dict:
    """Set `values` on `row` (unsaved) and return what that changes among `fields`: {name: [before, after]}."""
    before = snapshot(row, fields)
    for name, value in values.items():
        setattr(row, name, value)
    return changes_between(before, snapshot(row, fields))


def _save_new(row: Model, *, code_field: str = "code") -> None:
    """Insert `row`; a code taken a moment ago by someone else is the same error as one taken long ago."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if type(row).objects.filter(code=row.code).exists():
            raise ValidationError({code_field: [_("This code is taken; choose another.")]}) from None
        raise


# Providers and products are created and changed alike; their permission, audit action and service
# name follow from the model's name ("agency.add_provider", "agency.provider.created", "provider_create").

def _row_create(model: type[Model], *, actor, code: str, values: dict, fields: tuple[str, ...],
                errors_of) -> Model:
    kind = model._meta.model_name
    _known(values, fields, f"{kind}_create")
    require_till_setup(actor, f"agency.add_{kind}")
    row = model(code=code, **values)
    _raise_if(errors_of(row))
    _save_new(row)
    audit_event_record(actor=actor, action=f"agency.{kind}.created", target=row,
                       data={"code": row.code, **snapshot(row, fields)})
    return row


def _row_update(row: Model, *, actor, values: dict, fields: tuple[str, ...], errors_of) -> Model:
    kind = row._meta.model_name
    _known(values, fields, f"{kind}_update")
    require_till_setup(actor, f"agency.change_{kind}")
    current = type(row).objects.select_for_update().get(pk=row.pk)
    changes = assign(current, values, fields)
    _raise_if(errors_of(current))
    if changes:
        current.save(update_fields=list(changes))
        audit_event_record(actor=actor, action=f"agency.{kind}.updated", target=current, data={"changes": changes})
    return current


# --- providers -------------------------------------------------------------------------------------

def provider_errors(provider: Provider, *, unique: bool = True) -> dict[str, list[str]]:
    errors = _errors_of(provider, unique=unique)
    if provider.adapter not in settings.AGENCY_PROVIDER_ADAPTERS and "adapter" not in errors:
        _add(errors, "adapter", _("No adapter is configured under “%(adapter)s”; choose one of: %(known)s.")
             % {"adapter": provider.adapter, "known": "、".join(sorted(settings.AGENCY_PROVIDER_ADAPTERS))})
    return errors


@transaction.atomic
def provider_create(*, actor, code: str, **fields) -> Provider:
    return _row_create(Provider, actor=actor, code=code, values=fields, fields=PROVIDER_FIELDS,
                       errors_of=provider_errors)


@transaction.atomic
def provider_update(*, actor, provider: Provider, **fields) -> Provider:
    """Change a provider (deactivating it takes its products off the counter). No change, no write."""
    return _row_update(provider, actor=actor, values=fields, fields=PROVIDER_FIELDS, errors_of=provider_errors)


# --- products --------------------------------------------------------------------------------------

def product_errors(product: Product, *, unique: bool = True) -> dict[str, list[str]]:
    """Every problem with a product's fields, by field (the import asks it too)."""
    errors = _errors_of(product, unique=unique)
    low, high = product.amount_min_fen, product.amount_max_fen
    if isinstance(low, int) and isinstance(high, int) and low > high and "amount_max_fen" not in errors:
        _add(errors, "amount_max_fen", _("The largest amount is below the smallest."))
    shortest, longest = product.account_min_length, product.account_max_length
    if isinstance(shortest, int) and isinstance(longest, int):
        if shortest < 1:
            _add(errors, "account_min_length", _("An account number has at least one character."))
        elif shortest > longest:
            _add(errors, "account_max_length", _("The longest account number is shorter than the shortest."))
    choices = product.amount_choices_fen or []
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        _add(errors, "amount_choices_fen", _("Fixed amounts are a list of amounts."))
    elif isinstance(low, int) and isinstance(high, int) and any(not low <= c <= high for c in choices):
        _add(errors, "amount_choices_fen", _("Every fixed amount lies between the smallest and the largest amount."))
    if product.direction == Product.Direction.PAYOUT and product.lookup_supported:
        _add(errors, "lookup_supported", _("A payout has no bill to look up."))
    return errors


@transaction.atomic
def product_create(*, actor, code: str, **fields) -> Product:
    return _row_create(Product, actor=actor, code=code, values=fields, fields=PRODUCT_FIELDS, errors_of=product_errors)


@transaction.atomic
def product_update(*, actor, product: Product, **fields) -> Product:
    """Change a product's limits, fees, plan or status; the counter uses them from the next payment
    (a payment made keeps what it was made with). No change, no write."""
    return _row_update(product, actor=actor, values=fields, fields=PRODUCT_FIELDS, errors_of=product_errors)


# --- commission plans ------------------------------------------------------------------------------

def plan_version_build(*, plan: CommissionPlan | None, effective_from: date | None, **terms) -> CommissionPlanVersion:
    """An unsaved version with the method's terms and the others at their defaults (for the preview
    calculator and the services alike)."""
    _known(terms, TERMS, "plan_version_build")
    method = terms.get("method")
    unused = {name: value for name, value in UNUSED_DEFAULTS.items() if name not in METHOD_TERMS.get(method, ())}
    version = CommissionPlanVersion(effective_from=effective_from, **{**terms, **unused})
    if plan is not None:
        version.plan = plan
    if version.slabs is None:
        version.slabs = []
    return version


def terms_of(version: CommissionPlanVersion) -> dict:
    return {name: getattr(version, name) for name in TERMS}


def version_errors(version: CommissionPlanVersion) -> dict[str, list[str]]:
    """The terms' problems: each field's own, then agency/tariffs.py's verdict on the whole (not keyed)."""
    errors = _errors_of(version, exclude=("plan",), unique=False)
    if version.max_fen is not None and isinstance(version.max_fen, int) and version.max_fen < 0:
        _add(errors, "max_fen", _("Rates, amounts and shares cannot be negative."))
    return errors


@transaction.atomic
def commission_plan_create(*, actor, code: str, name: str, versions: list[dict]) -> CommissionPlan:
    """A plan with its terms: `versions` are {"effective_from": date, **terms}, one or more, on any days
    (the plan is new: nothing was paid under it, so it may bring the terms a county already had)."""
    require_till_setup(actor, "agency.add_commissionplan")
    if not versions:
        raise ValidationError(_("A plan needs its terms."))
    plan = CommissionPlan(code=code, name=name)
    built = [plan_version_build(plan=None, **spec) for spec in versions]
    errors = _merged(_errors_of(plan), *(version_errors(version) for version in built))
    days = [v.effective_from for v in built]
    if len(set(days)) != len(days):
        _add(errors, "effective_from", _("Two versions of a plan cannot start on the same day."))
    _raise_if(errors)
    _save_new(plan)
    for version in built:
        version.plan = plan
        version.save(force_insert=True)
    audit_event_record(actor=actor, action="agency.commission_plan.created", target=plan, data={
        "code": plan.code, "name": plan.name,
        "versions": [{"effective_from": v.effective_from.isoformat(), "terms": terms_of(v)} for v in built]})
    return plan


@transaction.atomic
def commission_plan_rename(*, actor, plan: CommissionPlan, name: str) -> CommissionPlan:
    """A plan's name is not its terms: it may change at any time."""
    require_till_setup(actor, "agency.change_commissionplan")
    current = CommissionPlan.objects.select_for_update().get(pk=plan.pk)
    if current.name == name:
        return current
    before, current.name = current.name, name
    _raise_if(_errors_of(current))
    current.save(update_fields=["name"])
    audit_event_record(actor=actor, action="agency.commission_plan.renamed", target=current,
                       data={"changes": {"name": [before, name]}})
    return current


@transaction.atomic
def commission_plan_version_add(*, actor, plan: CommissionPlan, effective_from: date,
                                **terms) -> CommissionPlanVersion:
    """New terms for `plan` from `effective_from` (today or later): the version in force until then
    stays as it is, and every payment keeps the version it was made under."""
    require_till_setup(actor, "agency.add_commissionplanversion")
    plan = CommissionPlan.objects.select_for_update().get(pk=plan.pk)  # one new version at a time
    version = plan_version_build(plan=plan, effective_from=effective_from, **terms)
    errors: dict[str, list[str]] = {}
    if isinstance(effective_from, date):
        errors = new_version_date_errors(plan, effective_from)
        before = plan_version_in_force(plan, effective_from)
        if not errors and before is not None and terms_of(before) == terms_of(version):
            _add(errors, NON_FIELD_ERRORS, _("These are the terms in force from %(date)s already: nothing to change.")
                 % {"date": before.effective_from.isoformat()})
    _raise_if(_merged(errors, version_errors(version)))
    version.save(force_insert=True)
    audit_event_record(actor=actor, action="agency.commission_plan.version_added", target=plan,
                       data={"version": version.pk, "effective_from": effective_from.isoformat(),
                             "terms": terms_of(version)})
    return version


def new_version_date_errors(plan: CommissionPlan, effective_from: date) -> dict[str, list[str]]:
    """A new version of an existing plan starts today or later, on a day no other version starts."""
    if effective_from < timezone.localdate():
        return {"effective_from": [_("New terms start today or later: terms in force, and those of days "
                                     "gone by, are never changed.")]}
    if plan.versions.filter(effective_from=effective_from).exists():
        return {"effective_from": [_("A version of this plan starts on this day already; choose another day "
                                     "(or withdraw that version first, if it has not started).")]}
    return {}


@transaction.atomic
def commission_plan_version_withdraw(*, actor, version: CommissionPlanVersion) -> None:
    """Withdraw a version that has not started yet (a plan keeps at least one version)."""
    require_till_setup(actor, "agency.add_commissionplanversion")
    CommissionPlan.objects.select_for_update().get(pk=version.plan_id)
    current = CommissionPlanVersion.objects.filter(pk=version.pk).first()
    if current is None:
        raise ValidationError(_("This version was withdrawn already."), code="gone")
    if current.effective_from <= timezone.localdate():
        raise ValidationError(_("This version has started: it stays as it is. Add a new version from a later "
                                "day instead."), code="started")
    if not CommissionPlanVersion.objects.filter(plan_id=current.plan_id).exclude(pk=current.pk).exists():
        raise ValidationError(_("A plan keeps at least one version."), code="last")
    audit_event_record(actor=actor, action="agency.commission_plan.version_withdrawn", target=current.plan,
                       data={"version": current.pk, "effective_from": current.effective_from.isoformat(),
                             "terms": terms_of(current)})
    current.delete()
