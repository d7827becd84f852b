import hashlib
import secrets
from datetime import timedelta
from typing import Final

from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.lockout import SMS_PREFIX, attempt_target
from accounts.models import ApiKey, User
from accounts.roles import ROLE_PERMISSIONS, SEPARATED_ROLES, Role
from core.audit import audit_event_record

API_KEY_PREFIX: Final = "cz_"
# last_used_at is for people deciding which keys to revoke; a write per call would be waste.
LAST_USED_RESOLUTION: Final = timedelta(minutes=5)


@transaction.atomic
def role_groups_sync() -> None:
    """Make each role's group carry exactly the permissions ROLE_PERMISSIONS names.

    Runs after every migrate. A codename that does not exist is a programming error
    and fails loudly rather than leaving a role silently without a permission.
    """
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def separated_role_refusal(*, user: User, role: Role, actor: User | None) -> str | None:
    """Why `actor` may not give `user` one of the three administrators' roles (or the data officer's),
    or None. The command line (actor None: whoever installs the system) names the first security admin;
    after that only a security admin gives these roles, never to themselves, and nobody holds two of
    the three."""
    role = Role(role)
    if role not in SEPARATED_ROLES | {Role.DATA_OFFICER}:
        return None
    if actor is not None:
        if actor.pk == user.pk:
            return _("Nobody gives an administrator's role to themselves.")
        if not (actor.is_superuser or actor.has_role(Role.SECURITY_ADMIN)):
            return _("Only the security administrator gives the administrators' roles.")
    if role in SEPARATED_ROLES:
        held = (user.roles & SEPARATED_ROLES) - {role}
        if held:
            return _("%(user)s is already %(role)s: the system, security and audit administrators are "
                     "three different people.") % {"user": user, "role": Role(next(iter(held))).label}
    return None


@transaction.atomic
def user_role_grant(*, user: User, role: Role, actor: User | None) -> None:
    group = Group.objects.get(name=role.value)
    if user.groups.filter(pk=group.pk).exists():
        return
    refusal = separated_role_refusal(user=user, role=role, actor=actor)
    if refusal:
        raise PermissionDenied(refusal)
    user.groups.add(group)
    user.__dict__.pop("roles", None)
    audit_event_record(actor=actor, action="role.granted", target=user, data={"role": role.value})


@transaction.atomic
def user_role_revoke(*, user: User, role: Role, actor: User | None) -> None:
    """Take a role away (its last post ended): the person no longer lands on that role's workspace."""
    group = Group.objects.get(name=role.value)
    if not user.groups.filter(pk=group.pk).exists():
        return
    if Role(role) in SEPARATED_ROLES | {Role.DATA_OFFICER} and actor is not None and not (
            actor.is_superuser or actor.has_role(Role.SECURITY_ADMIN)):
        raise PermissionDenied(_("Only the security administrator takes the administrators' roles away."))
    user.groups.remove(group)
    user.__dict__.pop("roles", None)
    audit_event_record(actor=actor, action="role.revoked", target=user, data={"role": role.value})


# No 0/O/1/l/I: the admin reads this password aloud or writes it on paper.
_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"


def _active_holder(phone: str) -> User | None:
    """The active account that signs in with this number: its phone, or its username (residents')."""
    return (User.objects.filter(Q(phone=phone) | Q(username=phone), is_active=True)
            .order_by(Case(When(phone=phone, then=0), default=1), "pk").first())


def phone_account(phone: str) -> User | None:
    """The active account that signs in with this number (a staff import tells a re-imported row from a
    new person by it; it never gives that account a post)."""
    return _active_holder(phone)


def _new_phone_user(*, full_name: str, phone: str, actor: User | None,
                    with_password: bool = True) -> tuple[User, str | None]:
    """A new account signing in by `phone`, with a password to hand over once (never stored in clear);
    without one (`with_password=False`) until an administrator issues it (staff_password_issue)."""
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10)) if with_password else None
    username, suffix = phone, 1
    while User.objects.filter(username=username).exists():  # a disabled account kept the plain number
        suffix += 1
        username = f"{phone}-{suffix}"
    user = User(username=username, phone=phone, full_name=full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_event_record(actor=actor, action="user.created", target=user, data={"phone": phone})
    return user, password


def phone_taken_error() -> ValidationError:
    return ValidationError({"phone": _(
        "This mobile number already belongs to an account. A new account needs a number of its own; to give a "
        "person who already has an account another post, choose their existing account.")}, code="phone_taken")


@transaction.atomic
def staff_account_create(*, full_name: str, phone: str, actor: User | None,
                         with_password: bool = True) -> tuple[User, str | None]:
    """A new account for a staff member, signing in by `phone`, for an administrator who then gives it a
    post explicitly (station staff, department staff).

    Refused (ValidationError on "phone") when an active account already has the number: one person holds
    several roles only when an administrator assigns their existing account by choosing it, never because
    a typed number matched someone's account. Returns (user, initial_password); the password is shown
    once to the admin, never stored in clear (None with `with_password=False`: issued later).
    """
    if _active_holder(phone) is not None:
        raise phone_taken_error()
    return _new_phone_user(full_name=full_name, phone=phone, actor=actor, with_password=with_password)


def named_account_problems(*, username: str, full_name: str, phone: str, password: str) -> dict[str, list[str]]:
    """What would refuse named_account_create, by field ({} when nothing would): for a caller that checks
    everything it was given before it writes anything."""
    username, full_name, phone = username.strip(), " ".join(full_name.split()), phone.strip()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Give the person's full name.")]
    if not username:
        errors["username"] = [_("Give the login name.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("The login name %(username)s is taken.") % {"username": username}]
    if not phone:
        errors["phone"] = [_("Give the person's mobile number.")]
    elif _active_holder(phone) is not None:
        errors.update(phone_taken_error().message_dict)
    user = User(username=username, full_name=full_name, phone=phone)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    try:
        user.full_clean(exclude=["password", *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return errors


@transaction.atomic
def named_account_create(*, username: str, full_name: str, phone: str, password: str,
                         actor: User | None) -> User:
    """A new staff account with a login name and an initial password the administrator chose (a county's
    first admin, made by the platform's superuser, who hands both over). The password is checked against
    the site's password rules and stored hashed.

    Refused (ValidationError keyed by field, see named_account_problems): a login name already taken, a
    number an active account already signs in with (one person holds several roles only when an
    administrator chooses their existing account), a weak password."""
    errors = named_account_problems(username=username, full_name=full_name, phone=phone, password=password)
    if errors:
        raise ValidationError(errors)
    user = User(username=username.strip(), full_name=" ".join(full_name.split()), phone=phone.strip())
    user.set_password(password)
    user.save()
    audit_event_record(actor=actor, action="user.created", target=user,
                       data={"phone": user.phone, "username": user.username})
    return user


@transaction.atomic
def staff_password_issue(*, user: User, actor: User) -> str:
    """A new one-time password for a staff account, to hand over (shown once, never stored in clear).
    The caller checks that the account is within the actor's scope; system administrators' accounts
    are never reset here."""
    if user.is_superuser or user.is_staff or not user.is_active:
        raise PermissionDenied(_("This account's password is not reset here."))
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10))
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(actor=actor, action="user.password_issued", target=user, data={})
    return password


_APPLICANT_ROLES = frozenset({Role.RESIDENT, Role.MERCHANT})


@transaction.atomic
def applicant_user_get_or_create(*, full_name: str, phone: str, actor: User | None) -> tuple[User, str | None]:
    """The account of someone who applied on their own (a merchant's contact): their plain resident
    or merchant account, or a new one. A number is what anyone can type into a form, so it never
    brings in an account with any other role; one person holds several roles only when an
    administrator assigns them.

    Returns (user, initial_password) like staff_account_create; raises ValidationError when the
    number belongs to a staff account.
    """
    user = _active_holder(phone)
    if user is None:
        return _new_phone_user(full_name=full_name, phone=phone, actor=actor)
    if user.is_staff or user.is_superuser or not user.roles <= _APPLICANT_ROLES:
        raise ValidationError(_("This mobile number belongs to a staff account. Ask the applicant for the "
                                "number of the person who will run the shop; a staff member who really runs "
                                "one is given the merchant role by the system administrator."),
                              code="staff_phone")
    return user, None


def api_key_create(*, user: User, name: str, actor: User | None) -> tuple[ApiKey, str]:
    """Make an API key for `user`; return the row and the key, which is shown this once only."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiKey.objects.create(user=user, name=name, prefix=key[len(API_KEY_PREFIX):][:8],
                                        key_hash=api_key_hash(key))
        audit_event_record(actor=actor, action="api_key.create", target=token, data={"user": user.pk})
    return token, key


def api_key_revoke(*, token: ApiKey, actor: User | None) -> None:
    with transaction.atomic():
        updated = ApiKey.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit_event_record(actor=actor, action="api_key.revoke", target=token)


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_authenticate(*, key: str) -> User | None:
    """The active user behind a live key, or None."""
    token = api_key_lookup(key=key)
    return token.user if token is not None else None


def api_key_lookup(*, key: str) -> ApiKey | None:
    """The live key (its active user selected) for the raw `key`, or None; stamps its last use. For callers
    that scope keys further (gov_services' channels: a key of one channel and county)."""
    if not key or not key.startswith(API_KEY_PREFIX):
        return None
    token = (ApiKey.objects.select_related("user")
             .filter(key_hash=api_key_hash(key), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def login_lockout_lift(*, actor: User, username: str = "", address: str = "") -> int:
    """Lift a lock-out before it runs out: forget the failed attempts of the account `username` (from
    every address, its number's SMS codes included) or of the client `address` (for every account).

    For the security administrator (axes.delete_accessattempt; 等保's three roles). Returns how many attempt rows went;
    with none, nothing was locked and no audit event is written.
    """
    if not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied(_("Only the security administrator may lift a sign-in lock-out."))
    if bool(username) == bool(address):
        raise ValueError("name either an account or an address")
    if username:
        names = {username}
        phone = User.objects.filter(username=username).values_list("phone", flat=True).first()
        if phone:
            names.add(f"{SMS_PREFIX}{phone}")
        attempts = AccessAttempt.objects.filter(username__in=names)
    else:
        attempts = AccessAttempt.objects.filter(ip_address=address)
    target = attempt_target(username=username or None, address=address or None)
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    count, _deleted = attempts.delete()
    if count:
        audit_event_record(actor=actor, action="login.lockout_lifted", target=target,
                           data={"username": username, "address": address, "failures": failures})
    return count
