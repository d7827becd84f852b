from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from accounts.roles import Role
from core.state_machine import StateMachine

division_code = RegexValidator(r"^\d{6}(\d{3}(\d{3})?)?$", _("Use the 6, 9 or 12-digit administrative division code."))


class Region(MP_Node):
    """One node of city › county › township › village/community (materialised path)."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")

    # Which level may sit directly under which: a village never holds a township.
    CHILD_LEVELS = {
        None: {Level.CITY},
        Level.CITY: {Level.COUNTY},
        Level.COUNTY: {Level.TOWNSHIP},
        Level.TOWNSHIP: {Level.VILLAGE, Level.COMMUNITY},
        Level.VILLAGE: set(),
        Level.COMMUNITY: set(),
    }

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[division_code])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # The township's outline for the county map: a GeoJSON MultiPolygon uploaded by the county, [] where
    # there is none (stations/geo.py; read it through geo.polygons, which also knows an older bare ring).
    boundary = models.JSONField(_("boundary"), default=list, blank=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return self.name


# A township's path: the first three steps (city › county › township) of its villages' paths.
TOWNSHIP_PATH_LENGTH = Region.steplen * 3


def common_region_path(paths) -> str:
    """The path of the narrowest region holding every region at `paths` ("" for none, or none in common)."""
    paths = list(paths)
    if not paths:
        return ""
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: -Region.steplen]
    return common


class Station(models.Model):
    """A village service station (村级服务站): the counter where residents are served."""

    class Tier(models.TextChoices):
        FLAGSHIP = "flagship", _("Flagship")
        STANDARD = "standard", _("Standard")
        BASIC = "basic", _("Basic")

    class Status(models.TextChoices):
        # Context keeps Oscar's basket "Open" from turning into a station's 运营中.
        PLANNED = "planned", pgettext_lazy("station status", "Planned")
        BUILDING = "building", pgettext_lazy("station status", "Under construction")
        OPEN = "open", pgettext_lazy("station status", "Open")
        SUSPENDED = "suspended", pgettext_lazy("station status", "Suspended")
        CLOSED = "closed", pgettext_lazy("station status", "Closed")

    # Build status moves forward through construction; an open station may be suspended
    # and reopened. Nothing goes back to "planned" once it is open. Any station may be closed
    # for good (a plan dropped, a village merged); a closed station stays in the records.
    TRANSITIONS = StateMachine.from_moves(Status, {
        Status.PLANNED: {Status.BUILDING, Status.CLOSED},
        Status.BUILDING: {Status.OPEN, Status.PLANNED, Status.CLOSED},
        Status.OPEN: {Status.SUSPENDED, Status.CLOSED},
        Status.SUSPENDED: {Status.OPEN, Status.CLOSED},
    }, refused=_("A station that is %(from)s cannot become %(to)s."))

    code = models.CharField(_("station code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stations", verbose_name=_("village"),
                                limit_choices_to={"level__in": [Region.Level.VILLAGE, Region.Level.COMMUNITY]})
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True,
                                     help_text=_("As residents should read it, e.g. Mon–Sat 8:00–18:00"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def allowed_statuses(self) -> list[tuple[str, str]]:
        allowed = self.TRANSITIONS.allowed_actions(self.status)
        return [(s.value, s.label) for s in Station.Status if s in allowed]

    def clean(self) -> None:
        if self.village_id and self.village.level not in (Region.Level.VILLAGE, Region.Level.COMMUNITY):
            raise ValidationError({"village": _("A station belongs to a village or community.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))


class StationService(models.Model):
    """A kind of service a station offers at its counter."""

    class Kind(models.TextChoices):
        GOV_ERRANDS = "gov_errands", _("Government errands")
        SHOP_PICKUP = "shop_pickup", _("Store pick-up")
        BILL_PAYMENT = "bill_payment", _("Bill payments")
        MOBILE_TOPUP = "mobile_topup", _("Mobile top-up")
        INSURANCE = "insurance", _("Insurance agency")
        CASH = "cash", _("Small deposits and withdrawals")
        PARCELS = "parcels", _("Parcel collection")
        ELDER_CARE = "elder_care", _("Help for elderly and disabled residents")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("service"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("station service")
        verbose_name_plural = _("station services")
        constraints = [models.UniqueConstraint(fields=["station", "kind"], name="station_service_once")]

    def __str__(self) -> str:
        return self.get_kind_display()


class StaffAssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments in force today (`ended_on` is the first day without access)."""
        today = timezone.localdate()
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=today), started_on__lte=today)


class StaffAssignment(models.Model):
    """Where a person serves: the scope every selector narrows queries by.

    Operators and liaisons serve a station; township and county admins a region of
    that level. Ended assignments are kept so history stays readable; `ended_on` is the
    first day without access, so ending an assignment today takes effect at once.
    """

    Role = Role  # the project-wide roles; an assignment holds one of the scoped ones
    SCOPED_ROLES = (Role.OPERATOR, Role.LIAISON, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)
    STATION_ROLES = (Role.OPERATOR, Role.LIAISON)

    REGION_LEVEL = {Role.TOWNSHIP_ADMIN: Region.Level.TOWNSHIP, Role.COUNTY_ADMIN: Region.Level.COUNTY}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignments")
    role = models.CharField(_("role"), max_length=20, choices=[(r.value, r.label) for r in SCOPED_ROLES])
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = StaffAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                name="assignment_scope_matches_role",
                condition=(
                    models.Q(role__in=["operator", "liaison"], station__isnull=False, region__isnull=True)
                    | models.Q(role__in=["township_admin", "county_admin"], station__isnull=True, region__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.station or self.region}"

    def clean(self) -> None:
        level = self.REGION_LEVEL.get(self.role)
        if level and self.region_id and self.region.level != level:
            raise ValidationError({"region": _("A %(role)s serves a region of level %(level)s.")
                                   % {"role": self.get_role_display(), "level": level.label}})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("An assignment cannot end before it starts.")})


class Grid(models.Model):
    """A grid (网格): the 50–100 households one liaison walks, within a station's village."""

    RECOMMENDED_HOUSEHOLDS = (50, 100)

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("name"), max_length=60)
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="grids", verbose_name=_("liaison"))

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="grid_name_per_station")]

    def __str__(self) -> str:
        return f"{self.station} · {self.name}"


class Household(models.Model):
    """A household in a grid. Only what the liaison needs to reach and help it: who lives there
    (HouseholdMember), a contact phone and the flags the care programme works from. Personal data:
    lists show it masked (core/masking.py); the full record is for those stations/scope names, and
    each time it is shown an audit event says who saw it (stations/services_households.py)."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households")
    house_number = models.CharField(_("house number"), max_length=20)
    head_name = models.CharField(_("head of household"), max_length=60)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled_member = models.BooleanField(_("has a disabled member"), default=False)
    low_income = models.BooleanField(_("low income"), default=False,
                                     help_text=_("Receives subsistence allowance (低保) or is otherwise in hardship."))
    # Moved out of the village or deregistered (户籍迁出、注销): the register keeps it for the retention period
    # (PERSONAL_DATA_RETENTION_DAYS "households", stations/retention.py), then anonymises it.
    left_at = models.DateTimeField(_("moved out or deregistered at"), null=True, blank=True)

    CARE_FLAGS = ("elderly_alone", "disabled_member", "low_income")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["grid", "house_number"], name="house_number_per_grid")]

    def __str__(self) -> str:
        return f"{self.grid.name} {self.house_number}" if Household.grid.is_cached(self) else self.house_number


class HouseholdMember(models.Model):
    """A person registered in a household, as the household register (户口簿) lists them."""

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
        GRANDCHILD = "grandchild", _("Grandchild")
        PARENT = "parent", _("Parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Brother or sister")
        OTHER = "other", _("Other relative")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=60)
    id_number = models.CharField(_("ID card number"), max_length=18)
    relation = models.CharField(_("relation to the head"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["household", "id_number"], name="member_once_per_household"),
            models.UniqueConstraint(fields=["household"], condition=models.Q(relation="head"),
                                    name="one_head_per_household"),
        ]

    def __str__(self) -> str:
        return self.get_relation_display()
