"""The world of benches/province_load.py, built in a child process with Django set up: stations with an
operator each, a county admin, a product with floats topped up and a catalogue item, made once and reused."""

from __future__ import annotations

PASSWORD = "province-bench-pass-2026"  # bench operators only, in the bench database


def build_world(stations: int) -> dict:
    """Stations with one operator each, a county admin, a cash-in product with floats topped up, and a
    catalogue item every station may file; made in one transaction and reused by later runs."""
    from datetime import date, timedelta

    from django.contrib.auth.models import Group
    from django.db import transaction

    from accounts.models import User
    from accounts.roles import Role
    from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
    from agency.services.common import wallet_for
    from agency.services.ledger import Line, float_account, journal_post, station_account
    from benches.harness.regions import region_node
    from gov_services.models import Department, ServiceItem
    from stations.models import StaffAssignment, Station

    def user(username: str, role: str, **post) -> User:
        found, created = User.objects.get_or_create(username=username, defaults={"full_name": username})
        if created:
            found.set_password(PASSWORD)
            found.save(update_fields=["password"])
            found.groups.add(Group.objects.get(name=role))
            StaffAssignment.objects.create(
                user=found, role=role, started_on=date.today() - timedelta(days=1), **post
            )
        return found

    with transaction.atomic():
        city = region_node("980000", "省基准市", "city")
        county = region_node("980100", "省基准县", "county", city)
        department, _ = Department.objects.get_or_create(
            code="PROV-MZJ", defaults={"name": "省基准县民政局", "region": county}
        )
        item, _ = ServiceItem.objects.get_or_create(
            code="PROV-MZJ-01",
            defaults={
                "name": "基准证明",
                "department": department,
                "category": "public_service",
                "lowest_level": "village",
                "legal_limit_days": 20,
                "promised_limit_days": 10,
            },
        )
        provider, _ = Provider.objects.get_or_create(
            code="prov-grid", defaults={"name": "省基准电网", "float_group": "utilities"}
        )
        plan, _ = CommissionPlan.objects.get_or_create(code="prov-plan", defaults={"name": "省基准佣金"})
        CommissionPlanVersion.objects.get_or_create(
            plan=plan,
            effective_from=date(2020, 1, 1),
            defaults={
                "method": "percentage",
                "rate_bp": 100,
                "share_operator_bp": 7000,
                "share_township_bp": 1000,
                "share_county_bp": 1000,
                "share_platform_bp": 1000,
                "tax_rate_bp": 300,
            },
        )
        product, _ = Product.objects.get_or_create(
            code="prov-electricity",
            defaults={
                "provider": provider,
                "name": "省基准电费",
                "kind": "electricity",
                "amount_min_fen": 1,
                "amount_max_fen": 10**9,
                "commission_plan": plan,
                "account_check_digit": "none",
            },
        )
        admin = user("prov-county-admin", Role.COUNTY_ADMIN, region=county)
        operators = []
        for n in range(stations):
            township = region_node(f"980101{n // 10:03d}", f"省基准镇{n // 10}", "township", county)
            village = region_node(f"980101{n // 10:03d}{n % 10 + 1:03d}", f"省基准村{n}", "village", township)
            station, _ = Station.objects.get_or_create(
                code=f"PROV{n:04d}",
                defaults={"name": f"省基准站{n}", "village": village, "address": "—", "status": "open"},
            )
            operators.append(user(f"prov-operator-{n}", Role.OPERATOR, station=station).username)
            wallet = wallet_for(station, "utilities")
            station_account(station, "cash")
            if wallet.balance_fen < 10**13:
                journal_post(
                    kind="top_up",
                    station=station,
                    lines=[
                        Line(float_account(station, "utilities"), 10**14, "top_up"),
                        Line(station_account(station, "funding"), -(10**14), "top_up"),
                    ],
                )
    return {"product": product.pk, "item": item.pk, "operators": operators, "admin": admin.username}
