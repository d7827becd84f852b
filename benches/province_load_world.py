"""The world of benches/province_load.py, built in a child process with Django set up: stations with an
operator each, a county admin, a product with floats topped up and a catalogue item, made once and reused."""

from __future__ import annotations

PASSWORD = "province-bench-pass-2026"  # bench operators only, in the bench database


def build_world(stations: int) -> dict:
    """Stations with one operator each, a county admin, a cash-in product with floats topped up, and a
    catalogue item every station may file; made in one transaction and reused by later runs."""
    from django.db import transaction

    from accounts.roles import Role
    from benches.harness.regions import region_node
    from benches.harness.worlds import electricity_product, float_topped_up, staff_member, station_node
    from gov_services.models import Department, ServiceItem

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
        product = electricity_product("prov", "省基准")
        admin = staff_member("prov-county-admin", Role.COUNTY_ADMIN, password=PASSWORD, region=county)
        operators = []
        for n in range(stations):
            township = region_node(f"980101{n // 10:03d}", f"省基准镇{n // 10}", "township", county)
            village = region_node(f"980101{n // 10:03d}{n % 10 + 1:03d}", f"省基准村{n}", "village", township)
            station = station_node(f"PROV{n:04d}", f"省基准站{n}", village)
            operators.append(staff_member(f"prov-operator-{n}", Role.OPERATOR, password=PASSWORD,
                                          station=station).username)
            float_topped_up(station)
    return {"product": product.pk, "item": item.pk, "operators": operators, "admin": admin.username}
