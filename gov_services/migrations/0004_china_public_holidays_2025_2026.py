"""China's public holidays and make-up working days (调休上班) for 2025 and 2026.

Sources: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 12 Nov 2024) and
国务院办公厅关于2026年部分节假日安排的通知 (4 Nov 2025), as published by Xinhua. Every date of each
holiday span is listed, weekends inside a span included, so the calendar shows the whole span by name.

Idempotent: an existing row for a date is left as it is. The reverse deletes only the rows this
migration describes (same date and kind). The data is kept in module-level constants so the
tests check them against the notices' arithmetic (tests/gov_services/test_deadlines.py).
"""

from datetime import date, timedelta

from django.db import migrations

# (name, first day, last day) of each holiday span, as the notices publish them.
HOLIDAY_SPANS = [
    # 2025
    ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
    ("春节", date(2025, 1, 28), date(2025, 2, 4)),
    ("清明节", date(2025, 4, 4), date(2025, 4, 6)),
    ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
    ("端午节", date(2025, 5, 31), date(2025, 6, 2)),
    ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8)),
    # 2026
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]

# (name, date) of each make-up working day: a Saturday or Sunday worked instead.
MAKE_UP_WORKDAYS = [
    # 2025
    ("春节调休上班", date(2025, 1, 26)),
    ("春节调休上班", date(2025, 2, 8)),
    ("劳动节调休上班", date(2025, 4, 27)),
    ("国庆节、中秋节调休上班", date(2025, 9, 28)),
    ("国庆节、中秋节调休上班", date(2025, 10, 11)),
    # 2026
    ("元旦调休上班", date(2026, 1, 4)),
    ("春节调休上班", date(2026, 2, 14)),
    ("春节调休上班", date(2026, 2, 28)),
    ("劳动节调休上班", date(2026, 5, 9)),
    ("国庆节调休上班", date(2026, 9, 20)),
    ("国庆节调休上班", date(2026, 10, 10)),
]


def calendar_days():
    """Every (date, kind, name) row this migration inserts."""
    for name, first, last in HOLIDAY_SPANS:
        day = first
        while day <= last:
            yield day, "holiday", name
            day += timedelta(days=1)
    for name, day in MAKE_UP_WORKDAYS:
        yield day, "workday", name


def forward(apps, schema_editor):
    CalendarDay = apps.get_model("gov_services", "CalendarDay")
    for day, kind, name in calendar_days():
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": kind, "name": name})


def backward(apps, schema_editor):
    CalendarDay = apps.get_model("gov_services", "CalendarDay")
    for day, kind, _name in calendar_days():
        CalendarDay.objects.filter(date=day, kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0003_requestevent_append_only_on_postgresql"),
    ]

    operations = [migrations.RunPython(forward, backward)]
