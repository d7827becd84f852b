"""Admin posts: opening a county on the platform (its city and county regions and its first county admin),
and giving and ending township- and county-admin posts. Each change leaves audit events, in one transaction.

Who may do which is stations/scope's rule: the superuser opens counties (can_open_county); a county admin
gives the township-admin posts of their townships and the county-admin posts of their county, and ends them
(never their own); a township admin gives none (can_give_admin_post, can_end_admin_post). An admin post is a
StaffAssignment with a region; ending it (`ended_on` today) takes the back office away on the person's next
request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import named_account_create, named_account_problems, staff_account_create
from core.audit import audit_event_record
from stations.models import Region, StaffAssignment
from stations.regions import codes
from stations.scope import can_end_admin_post, can_give_admin_post, can_open_county, require
from stations.services import _assignment_end, region_add, staff_assign

ADMIN_ROLES = (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)


# --- opening a county ------------------------------------------------------------------------------------

@dataclass
class CountyOpening:
    """What county_open found or made. `created` names what this call made ("city", "county", "account",
    "post"); empty when the same opening had been made before (a double submit)."""

    city: Region
    county: Region
    assignment: StaffAssignment
    created: list[str] = field(default_factory=list)

    @property
    def repeated(self) -> bool:
        return not self.created


def county_open(*, county_code: str, county_name: str, city_name: str, actor: User, existing_username: str = "",
                username: str = "", full_name: str = "", phone: str = "", password: str = "") -> CountyOpening:
    """Open a county: its city (the code's first four digits; the province is the first two and is not a
    region of its own) and the county, each reused when a region already has its code (the name must then be
    the one on record), and its first county admin — an existing account named by its login name
    (`existing_username`: chosen explicitly, never found by a number) or a new account with the login name,
    full name, mobile number and initial password given.

    Everything is checked before anything is written; a bad value is a ValidationError keyed by the form's
    fields (county_code, county_name, city_name, existing_username, username, full_name, phone, password) and
    nothing is saved. Opening the same county for the same person again (a double submit) finds everything in
    place and writes nothing (`repeated`); two submits at the same moment end the same way.
    """
    require(can_open_county(actor), _("Only the platform's administrator opens a county."))
    given = {"county_code": county_code, "county_name": county_name, "city_name": city_name, "actor": actor,
             "existing_username": existing_username, "username": username, "full_name": full_name,
             "phone": phone, "password": password}
    try:
        with transaction.atomic():
            return _county_open(**given)
    except IntegrityError:  # the same opening committed by a concurrent submit a moment ago: find it
        with transaction.atomic():
            return _county_open(**given)


def _county_open(*, county_code, county_name, city_name, actor, existing_username, username, full_name, phone,
                 password) -> CountyOpening:
    errors: dict[str, list[str]] = {}

    def bad(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    county_name, city_name = " ".join(county_name.split()), " ".join(city_name.split())
    code = city_code = None
    try:
        parsed = codes.canonical(county_code)
        if codes.structural_level(parsed) != codes.COUNTY:
            raise ValidationError(_("%(code)s is not a county's code: a county's code has six digits of its own "
                                    "(e.g. 130225), the rest zeros.") % {"code": county_code})
        code, city_code = parsed, codes.structural_parent(parsed)
    except ValidationError as error:
        bad("county_code", error.messages[0])
    if not county_name:
        bad("county_name", _("Give the county's name."))

    city = county = None
    if code is not None:
        city = _region_by_code(city_code)
        # Locked: a second opening of this county (a double submit) waits here, then finds the first one's work.
        county = _region_by_code(code, lock=True)
        if city is not None and city.level != Region.Level.CITY:
            bad("county_code", _("Division code %(code)s is %(region)s's, which is no city.")
                % {"code": city_code, "region": city.name})
        elif city is not None and city_name and city_name != city.name:
            bad("city_name", _("The city with code %(code)s is %(name)s: write that name, or correct the county's "
                               "code.") % {"code": city_code, "name": city.name})
        elif city is None and not city_name:
            bad("city_name", _("There is no city with code %(code)s yet: give its name.") % {"code": city_code})
        if county is not None:
            if county.level != Region.Level.COUNTY or city is None or not county.path.startswith(city.path):
                bad("county_code", _("Division code %(code)s is already %(region)s's, which is not a county of "
                                     "the city %(city)s.") % {"code": code, "region": county.name,
                                                              "city": city.name if city else city_code})
            elif county_name and county_name != county.name:
                bad("county_name", _("The county with code %(code)s is %(name)s: write that name.")
                    % {"code": code, "name": county.name})

    account, new_account = _county_admin_account(
        county=county, existing_username=existing_username.strip(), username=username, full_name=full_name,
        phone=phone, password=password, bad=bad)
    if errors:
        raise ValidationError(errors)

    created = []
    if city is None:
        city = region_add(parent=None, name=city_name, code=city_code, level=Region.Level.CITY, actor=actor)
        created.append("city")
    if county is None:
        city = Region.objects.get(pk=city.pk)  # treebeard reads the parent's path and child count
        county = region_add(parent=city, name=county_name, code=code, level=Region.Level.COUNTY, actor=actor)
        created.append("county")
    if new_account:
        account = named_account_create(username=username, full_name=full_name, phone=phone, password=password,
                                       actor=actor)
        created.append("account")
    assignment = _active_admin_post(account, Role.COUNTY_ADMIN, county)
    if assignment is None:
        assignment = staff_assign(user=account, role=Role.COUNTY_ADMIN, region=county, actor=actor)
        created.append("post")
    if created:
        audit_event_record(actor=actor, action="county.opened", target=county, data={
            "city": city.code, "county": county.code, "admin": account.username, "created": created})
    return CountyOpening(city=city, county=county, assignment=assignment, created=created)


def _region_by_code(code: str, *, lock: bool = False) -> Region | None:
    """The region with this (canonical) code, however it is stored (130225 and 130225000000 are one code)."""
    regions = Region.objects.filter(code__in=codes.short_forms(code))
    return (regions.select_for_update() if lock else regions).first()


def _active_admin_post(user: User, role: str, region: Region) -> StaffAssignment | None:
    return StaffAssignment.objects.active().filter(user=user, role=role, region=region).first()


def _county_admin_account(*, county, existing_username, username, full_name, phone, password, bad):
    """(account, whether to make it): the existing account named, or the new one's values checked. A new
    account whose login name is taken by the very account this opening made a moment ago (same name, number
    and password, already this county's admin) is that account: the form was sent twice."""
    if existing_username:
        if username or full_name.strip() or phone.strip() or password:
            bad("existing_username", _("Name an existing account or give a new account's details, not both."))
            return None, False
        account = User.objects.filter(username=existing_username, is_active=True).first()
        if account is None:
            bad("existing_username", _("There is no active account with the login name %(username)s.")
                % {"username": existing_username})
        elif account.is_superuser:
            bad("existing_username", _("The platform's administrator needs no post: choose the account of the "
                                       "person who will run the county."))
        return account, False
    twin = User.objects.filter(username=username.strip(), is_active=True).first() if username.strip() else None
    if (twin is not None and county is not None and twin.full_name == " ".join(full_name.split())
            and twin.phone == phone.strip() and _active_admin_post(twin, Role.COUNTY_ADMIN, county) is not None
            and twin.check_password(password)):
        return twin, False
    for key, messages in named_account_problems(username=username, full_name=full_name, phone=phone,
                                                password=password).items():
        for message in messages:
            bad(key, message)
    return None, True


# --- township- and county-admin posts -------------------------------------------------------------------

@transaction.atomic
def admin_post_give(*, region: Region, role: str, actor: User, account: User | None = None, full_name: str = "",
                    phone: str = "") -> tuple[StaffAssignment, str | None]:
    """Make a person township admin of a township or county admin of a county: an `account` the admin chose
    explicitly, or a new account for `full_name` and `phone` (refused when the number already has an account).
    Returns the post and, for a new account, its one-time password to hand over."""
    if role not in ADMIN_ROLES:
        raise ValidationError({"role": _("Choose township admin or county admin.")})
    if region.level != StaffAssignment.REGION_LEVEL[role]:
        raise ValidationError({"region": _("A %(role)s serves a region of level %(level)s.")
                                         % {"role": Role(role).label,
                                            "level": StaffAssignment.REGION_LEVEL[role].label}})
    require(can_give_admin_post(actor, region, role),
            _("Only a county admin of %(region)s's county may give this post.") % {"region": region.name})
    Region.objects.select_for_update().filter(pk=region.pk).first()  # one post at a time per region: no twins
    password = None
    if account is None:
        account, password = staff_account_create(full_name=full_name, phone=phone, actor=actor)
    elif _active_admin_post(account, role, region) is not None:
        raise ValidationError(_("%(user)s is already %(role)s of %(region)s.")
                              % {"user": account, "role": Role(role).label, "region": region.name})
    elif account.is_superuser:
        raise ValidationError({"account": _("The platform's administrator needs no post.")})
    return staff_assign(user=account, role=role, region=region, actor=actor), password


@transaction.atomic
def admin_post_end(*, assignment: StaffAssignment, actor: User) -> None:
    """End an admin post today: from the person's next request they no longer have the back office of that
    region. Refused for one's own post, and for a post already ended (a double submit changes nothing)."""
    require(can_end_admin_post(actor, assignment),
            _("Your own admin post is ended by another county admin or by the platform's administrator.")
            if assignment.user_id == actor.pk else _("You may not end this post."))
    _assignment_end(assignment, actor=actor)
