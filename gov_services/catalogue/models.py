"""The catalogue's models: departments and their members, service items with their materials checklist
and approval steps, and a county's own search words. Registered through gov_services/models/__init__.py
(app label gov_services, tables unchanged)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stations.models import Region


class Department(models.Model):
    """A government department that works requests routed to it (民政局, 人社局, 乡镇便民服务中心 …), or a
    village committee (村民委员会) that issues its village's certificates (村委会证明) under its own seal."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village committee")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments",
                               verbose_name=_("region served"))
    phone = models.CharField(_("service phone"), max_length=20, blank=True)
    is_dispatch_desk = models.BooleanField(
        _("dispatch desk"), default=False,
        help_text=_("Receives the appeals that no routing rule matches (one per county)."))
    # A deactivated department keeps its history but takes no new members (set-up screens).
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Memberships in force today: `ended_on` is the first day without access (as for StaffAssignment)."""
        today = timezone.localdate()
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=today), started_on__lte=today)


class DepartmentMembership(models.Model):
    """An officer's scope: the department whose queue they work. Ended memberships are kept for the
    record; an officer who leaves loses the department's queue on their next request."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships")
    is_head = models.BooleanField(_("department head"), default=False)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [models.UniqueConstraint(fields=["department", "user"], condition=models.Q(ended_on__isnull=True),
                                               name="membership_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"


class ServiceItem(models.Model):
    """One entry of the county's service catalogue (e.g. 户籍证明, 最低生活保障申请).

    `form_schema` defines the item's electronic form as data; gov_services/catalogue/eforms/ turns
    it into a Django form, so adding an item never needs code.
    """

    class Category(models.TextChoices):
        LICENCE = "licence", _("Administrative licence")
        PUBLIC_SERVICE = "public_service", _("Public service")
        DAILY_MANAGEMENT = "daily_management", _("Daily management")
        CONVENIENCE = "convenience", _("Convenience service")

    class Level(models.TextChoices):
        # Ordered from the village up: an item accepted at "village" can also be accepted higher.
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")
        TOWNSHIP = "township", _("Township")
        COUNTY = "county", _("County")
        CITY = "city", _("City")

    code = models.CharField(_("item code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    pinyin_initials = models.CharField(_("pinyin initials"), max_length=120, blank=True, db_index=True,
                                       help_text=_("Filled from the name, e.g. hjzm for 户籍证明"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="service_items",
                                   verbose_name=_("department"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    lowest_level = models.CharField(_("lowest accepting level"), max_length=10, choices=Level.choices,
                                    default=Level.COUNTY)
    description = models.TextField(_("description"), blank=True)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    # False: the promised limit is the sum of the limits of the steps after acceptance (set by the steps
    # editor); True: the item sets it by hand ("overall limit unless the item says otherwise").
    overall_limit_fixed = models.BooleanField(
        _("overall limit set by hand"), default=False,
        help_text=_("Unticked: the promised limit is the sum of the step limits after acceptance."))
    fee_fen = models.BigIntegerField(_("fee (fen)"), default=0, validators=[MinValueValidator(0)])
    fee_waived_low_income = models.BooleanField(
        _("fee waived for low-income households"), default=False,
        help_text=_("No fee for an applicant whose household is registered as low-income (低保)"))
    issues_certificate = models.BooleanField(_("ends in a certificate"), default=False)
    issued_by_village_committee = models.BooleanField(
        _("issued by the applicant's village committee"), default=False,
        help_text=_("村委会证明: the request goes to the committee of the applicant's village, which approves it "
                    "and issues the certificate under its own seal."))
    online_allowed = models.BooleanField(_("residents may apply online"), default=False)
    form_schema = models.JSONField(_("electronic form"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # One level deep (a licence and its 子项): the rules are in gov_services/catalogue/services.py.
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_items",
                               verbose_name=_("parent item"),
                               help_text=_("Set for a sub-item (子项): residents apply for the sub-item."))

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="promised_within_legal_limit",
                                   condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days"))),
        ]

    def __str__(self) -> str:
        return self.name


class RequiredMaterial(models.Model):
    """One line of an item's materials checklist (身份证 原件, 户口簿 复印件 …)."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        SCAN = "scan", _("Scan")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=120)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.ORIGINAL)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["item", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "name", "form"], name="material_once_per_item")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_form_display()}）"


class StepKind(models.TextChoices):
    ACCEPT = "accept", _("Acceptance")
    INSPECTION = "inspection", _("Site inspection")
    REVIEW = "review", pgettext_lazy("approval step", "Review")
    NOTICE = "notice", _("Public notice")
    APPROVE = "approve", _("Approval")


class StepRole(models.TextChoices):
    OFFICER = "officer", _("Any officer of the department")
    HEAD = "head", _("Only a department head")


class ItemStep(models.Model):
    """One step of a catalogue item's approval (受理 → 审查 → [现场勘查, 公示] → 审批): its limit in working
    days, who may do it, and the earlier steps whose doer may not do this one too (separation of duties:
    reviewer ≠ approver). The rules are in gov_services/catalogue/steps.py; a request takes a copy of these
    when it is filed (RequestStep, gov_services/requests/models/steps.py)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps",
                             verbose_name=_("service item"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("approval step"), max_length=12, choices=StepKind.choices)
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"),
                                                  validators=[MaxValueValidator(365)])
    role = models.CharField(_("who may do it"), max_length=8, choices=StepRole.choices, default=StepRole.OFFICER)
    # Kinds of earlier steps: whoever did one of them may not do this step.
    separate_from = models.JSONField(_("not by whoever did"), default=list, blank=True)

    class Meta:
        verbose_name = _("item step")
        verbose_name_plural = _("item steps")
        ordering = ["item", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="item_step_kind_once")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_kind_display()}"


class SearchSynonym(models.Model):
    """A county's own search word: what residents say (低保, 准生证) → the catalogue's words. Added to the
    built-in synonyms of core/zh_text.py when the service catalogue is searched (counter, online)."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("county"), help_text=_("Empty: every county"))
    word = models.CharField(_("what residents say"), max_length=20)
    means = models.CharField(_("catalogue words"), max_length=200,
                             help_text=_("Words of the items' names, separated by spaces, e.g. 最低生活保障 低保"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        ordering = ["word"]
        constraints = [models.UniqueConstraint(fields=["county", "word"], name="gov_search_word_once_per_county")]

    def __str__(self) -> str:
        return f"{self.word} → {self.means}"

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(term for term in self.means.split() if term)
