"""Membership of merchants: apply, vet (approve / reject), re-vet, suspend and reinstate.

Every change leaves an audit event on the application or the merchant; approval also
creates the Oscar partner and the merchant's own sign-in (by mobile number).
"""

import secrets
import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from accounts.models import User, mainland_mobile
from accounts.roles import Role
from accounts.services import applicant_user_get_or_create, user_role_grant
from core.audit import audit_event_record
from core.idempotency import create_once
from core.sms import sms_enqueue
from shop.credit_code import validate_credit_code
from shop.licence_files import check_licence
from shop.models import Merchant, MerchantApplication, MerchantCategory
from shop.notifications import MERCHANT_APPROVED, MERCHANT_REJECTED
from shop.selectors.merchants import (
    application_in_scope,
    can_manage_merchants,
    can_vet_merchants,
    merchant_in_scope,
)
from stations.models import Region, common_region_path
from stations.scope import require, scope_forget

Partner = get_model("partner", "Partner")

MEMBERSHIP_YEARS_DEFAULT = 1
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _require_vetting(user: User) -> None:
    require(can_vet_merchants(user=user), _("You may not vet member merchants."))


def _reference() -> str:
    return "MA" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _clean_application(*, business_name: str, credit_code: str, contact_name: str, contact_phone: str,
                       address: str, categories: list[str], township_ids: list[int]) -> tuple[dict, list[Region]]:
    errors: dict[str, list[str]] = {}
    values = {"business_name": business_name.strip(), "contact_name": contact_name.strip(),
              "contact_phone": contact_phone.strip(), "address": address.strip()}
    for field in ("business_name", "contact_name", "address"):
        if not values[field]:
            errors.setdefault(field, []).append(_("This field is required."))
    try:
        values["credit_code"] = validate_credit_code(credit_code)
    except ValidationError as error:
        errors["credit_code"] = error.messages
    try:
        mainland_mobile(values["contact_phone"])
    except ValidationError as error:
        errors["contact_phone"] = error.messages
    values["categories"] = sorted(set(categories))
    if not values["categories"] or not set(values["categories"]) <= set(MerchantCategory.values):
        errors["categories"] = [_("Choose at least one product category from the list.")]
    townships = list(Region.objects.filter(pk__in=set(township_ids), level=Region.Level.TOWNSHIP))
    if not townships or len(townships) != len(set(township_ids)):
        errors["townships"] = [_("Choose at least one township you serve.")]
    if "credit_code" in values and Merchant.objects.filter(credit_code=values["credit_code"]).exists():
        errors.setdefault("credit_code", []).append(_("A member merchant with this credit code already exists."))
    if errors:
        raise ValidationError(errors)
    return values, townships


@transaction.atomic
def merchant_application_submit(*, idempotency_key: uuid.UUID, business_name: str, credit_code: str, licence,
                                contact_name: str, contact_phone: str, address: str, categories: list[str],
                                township_ids: list[int], note: str = "", actor: User | None = None
                                ) -> MerchantApplication:
    """File an application. A second submit of the same form returns the first application."""
    townships: list[Region] = []

    def build() -> MerchantApplication:
        values, chosen = _clean_application(
            business_name=business_name, credit_code=credit_code, contact_name=contact_name,
            contact_phone=contact_phone, address=address, categories=categories, township_ids=township_ids)
        if MerchantApplication.objects.filter(credit_code=values["credit_code"],
                                              status=MerchantApplication.Status.SUBMITTED).exists():
            raise ValidationError({"credit_code": [_("An application for this credit code is already awaiting "
                                                     "vetting.")]})
        checked, problem = check_licence(licence) if licence else (None, _("Attach a scan of the business licence."))
        if problem:
            raise ValidationError({"licence": [problem]})
        townships.extend(chosen)
        application = MerchantApplication(note=note.strip(), licence_content_type=checked.content_type,
                                          licence_sha256=checked.sha256, **values)
        # Stored under a random name in private storage: only county staff's views serve it.
        application.licence.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(checked.content), save=False)
        return application

    application, created = create_once(
        MerchantApplication, key={"idempotency_key": idempotency_key}, build=build, code="reference",
        new_code=_reference, on_lost=lambda lost: lost.licence.delete(save=False))
    if not created:
        return application
    application.townships.set(townships)
    audit_event_record(actor=actor, action="merchant_application.submitted", target=application,
                       data={"credit_code": application.credit_code, "townships": [t.code for t in townships]})
    return application


def _locked_application(*, user: User, application_id: int) -> MerchantApplication:
    _require_vetting(user)
    require(application_in_scope(user=user, application_id=application_id),
            _("This application is for townships outside your region."))
    application = MerchantApplication.objects.select_for_update().get(pk=application_id)
    if application.status != MerchantApplication.Status.SUBMITTED:
        raise ValidationError(_("This application was already decided: %(status)s.")
                              % {"status": application.get_status_display()})
    return application


@transaction.atomic
def merchant_application_approve(*, user: User, application_id: int, revet_on: date | None = None
                                 ) -> tuple[Merchant, User, str | None]:
    """Admit the merchant: the partner, the membership and the merchant's sign-in.

    Returns the merchant, its user and, for a new account, the initial password to hand over once.
    """
    application = _locked_application(user=user, application_id=application_id)
    today = timezone.localdate()
    revet_on = revet_on or today.replace(year=today.year + MEMBERSHIP_YEARS_DEFAULT)
    if revet_on <= today:
        raise ValidationError(_("The re-vetting date must be in the future."))
    if Merchant.objects.filter(credit_code=application.credit_code).exists():
        raise ValidationError(_("A member merchant with this credit code already exists."))
    if User.objects.filter(phone=application.contact_phone, partners__isnull=False).exists():
        raise ValidationError(_("The contact's mobile number already signs in for another merchant; "
                                "ask the applicant for another contact."))
    partner = Partner.objects.create(name=application.business_name)
    merchant = Merchant.objects.create(
        partner=partner, credit_code=application.credit_code, contact_name=application.contact_name,
        contact_phone=application.contact_phone, address=application.address, categories=application.categories,
        admitted_on=today, revet_on=revet_on)
    merchant.townships.set(application.townships.all())
    account, password = applicant_user_get_or_create(full_name=application.contact_name,
                                                     phone=application.contact_phone, actor=user)
    merchant_user_link(partner=partner, user=account, actor=user)
    application.status = MerchantApplication.Status.APPROVED
    application.decided_at, application.decided_by, application.merchant = timezone.now(), user, merchant
    application.save(update_fields=["status", "decided_at", "decided_by", "merchant"])
    audit_event_record(actor=user, action="merchant_application.approved", target=application,
                       data={"merchant": merchant.pk, "revet_on": revet_on.isoformat()})
    audit_event_record(actor=user, action="merchant.admitted", target=merchant,
                       data={"application": application.reference, "revet_on": revet_on.isoformat(),
                             "user": account.username})
    _tell_applicant(application, approved=True)
    return merchant, account, password


@transaction.atomic
def merchant_application_reject(*, user: User, application_id: int, reason: str) -> MerchantApplication:
    application = _locked_application(user=user, application_id=application_id)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the rejection; the applicant is told it."))
    application.status = MerchantApplication.Status.REJECTED
    application.decided_at, application.decided_by = timezone.now(), user
    application.decision_reason = reason.strip()
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit_event_record(actor=user, action="merchant_application.rejected", target=application,
                       data={"reason": application.decision_reason})
    _tell_applicant(application, approved=False)
    return application


def _tell_applicant(application: MerchantApplication, *, approved: bool) -> None:
    if approved:
        purpose, params = MERCHANT_APPROVED.key, {"ref": application.reference}
    else:
        purpose, params = MERCHANT_REJECTED.key, {"ref": application.reference,
                                                  "reason": application.decision_reason}
    sms_enqueue(phone=application.contact_phone, purpose=purpose, params=params,
                reference=application.reference, region_path=served_region_path(application))


def served_region_path(application: MerchantApplication) -> str:
    """The narrowest region holding every township the applicant serves (for the outbox's scope)."""
    return common_region_path(township.path for township in application.townships.all())


def _locked_merchant(*, user: User, merchant_id: int) -> Merchant:
    require(can_manage_merchants(user=user), _("You may not vet member merchants."))
    require(merchant_in_scope(user=user, merchant_id=merchant_id), _("This merchant serves no township of your region."))
    return Merchant.objects.select_for_update().select_related("partner").get(pk=merchant_id)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(_("Give a reason; it goes into the merchant's history."))
    return reason.strip()


@transaction.atomic
def merchant_suspend(*, user: User, merchant_id: int, reason: str) -> Merchant:
    """Hide the merchant's goods and stop new orders (the shop's strategy and catalogue read the status)."""
    merchant = _locked_merchant(user=user, merchant_id=merchant_id)
    reason = _reason(reason)
    if merchant.status == Merchant.Status.SUSPENDED:
        raise ValidationError(_("This merchant is already suspended."))
    merchant.status, merchant.status_reason = Merchant.Status.SUSPENDED, reason
    merchant.save(update_fields=["status", "status_reason"])
    audit_event_record(actor=user, action="merchant.suspended", target=merchant, data={"reason": reason})
    return merchant


@transaction.atomic
def merchant_reinstate(*, user: User, merchant_id: int, reason: str) -> Merchant:
    merchant = _locked_merchant(user=user, merchant_id=merchant_id)
    reason = _reason(reason)
    if merchant.status != Merchant.Status.SUSPENDED:
        raise ValidationError(_("Only a suspended merchant can be reinstated."))
    merchant.status, merchant.status_reason = Merchant.Status.ACTIVE, reason
    merchant.save(update_fields=["status", "status_reason"])
    audit_event_record(actor=user, action="merchant.reinstated", target=merchant, data={"reason": reason})
    return merchant


@transaction.atomic
def merchant_revet(*, user: User, merchant_id: int, revet_on: date, note: str) -> Merchant:
    """Record that the merchant was vetted again and when the next vetting is due."""
    merchant = _locked_merchant(user=user, merchant_id=merchant_id)
    note = _reason(note)
    today = timezone.localdate()
    if not today < revet_on <= today + timedelta(days=3 * 366):
        raise ValidationError(_("The next re-vetting date must be in the future and within three years."))
    previous, merchant.revet_on = merchant.revet_on, revet_on
    merchant.save(update_fields=["revet_on"])
    audit_event_record(actor=user, action="merchant.revetted", target=merchant,
                       data={"from": previous.isoformat(), "to": revet_on.isoformat(), "note": note})
    return merchant


@transaction.atomic
def merchant_user_link(*, partner, user: User, actor: User | None) -> None:
    """Let `user` manage `partner`'s catalogue and orders in Oscar's dashboard, and nothing else."""
    if partner.users.filter(pk=user.pk).exists():
        return
    partner.users.add(user)
    user_role_grant(user=user, role=Role.MERCHANT, actor=actor)
    scope_forget(user)
    audit_event_record(actor=actor, action="merchant.user_linked", target=partner, data={"user": user.username})
