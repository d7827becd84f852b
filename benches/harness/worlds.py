"""The pieces the bench worlds are built of (in a process where Django is set up), each found by its code or
made, so that a world is built once and reused by the next run: a station in its village, a staff member in
their post, a commission plan, an electricity product on one, a station's float topped up. The region tree
is regions.py's."""

from __future__ import annotations

from datetime import date, timedelta

# 1% of the amount, 70% of it to the operator and 10% each to the township, the county and the platform;
# 3% tax withheld from the operator's share.
PLAN_TERMS = {
    "method": "percentage",
    "rate_bp": 100,
    "share_operator_bp": 7000,
    "share_township_bp": 1000,
    "share_county_bp": 1000,
    "share_platform_bp": 1000,
    "tax_rate_bp": 300,
}


def station_node(code: str, name: str, village, *, address: str = "—"):
    """An open station in `village`."""
    from stations.models import Station

    station, _ = Station.objects.get_or_create(
        code=code, defaults={"name": name, "village": village, "address": address, "status": "open"}
    )
    return station


def staff_member(username: str, role: str, *, password: str | None = None, full_name: str | None = None, **post):
    """A user in `role`'s group with a post (`station=` or `region=`) since yesterday; `full_name` defaults
    to the username. Only a user made now gets the password, the group and the post."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from stations.models import StaffAssignment

    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": username if full_name is None else full_name}
    )
    if created:
        if password is not None:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        StaffAssignment.objects.create(user=user, role=role, started_on=date.today() - timedelta(days=1), **post)
    return user


def commission_plan(code: str, name: str, **terms):
    """A plan with one version, from 2020-01-01, on PLAN_TERMS (`terms` add to them or change them)."""
    from agency.models import CommissionPlan, CommissionPlanVersion

    plan, _ = CommissionPlan.objects.get_or_create(code=code, defaults={"name": name})
    CommissionPlanVersion.objects.get_or_create(
        plan=plan, effective_from=date(2020, 1, 1), defaults={**PLAN_TERMS, **terms}
    )
    return plan


def electricity_product(code: str, name: str):
    """A utilities provider's electricity bill, any amount, on a plan of PLAN_TERMS: the provider, plan and
    product are `code`-grid, -plan and -electricity, named `name`电网, 佣金 and 电费."""
    from agency.models import Product, Provider

    provider, _ = Provider.objects.get_or_create(
        code=f"{code}-grid", defaults={"name": f"{name}电网", "float_group": "utilities"}
    )
    product, _ = Product.objects.get_or_create(
        code=f"{code}-electricity",
        defaults={
            "provider": provider,
            "name": f"{name}电费",
            "kind": "electricity",
            "amount_min_fen": 1,
            "amount_max_fen": 10**9,
            "commission_plan": commission_plan(f"{code}-plan", f"{name}佣金"),
            "account_check_digit": "none",
        },
    )
    return product


def float_topped_up(station, float_group: str = "utilities") -> None:
    """The station's float wallet and cash account made, and the float topped up far beyond any run."""
    from agency.services.common import wallet_for
    from agency.services.ledger import Line, float_account, journal_post, station_account

    wallet = wallet_for(station, float_group)
    station_account(station, "cash")
    if wallet.balance_fen < 10**13:
        journal_post(
            kind="top_up",
            station=station,
            lines=[
                Line(float_account(station, float_group), 10**14, "top_up"),
                Line(station_account(station, "funding"), -(10**14), "top_up"),
            ],
        )
