"""Mark each calendar day as official (the State Council's notice) or the county's own adjustment.

Rows that match the published calendar (the chinesecalendar library, date and kind) are official;
any other row was added by the county.
"""

from django.db import migrations, models


def mark_official(apps, schema_editor):
    from chinese_calendar.constants import holidays, workdays

    CalendarDay = apps.get_model("gov_services", "CalendarDay")
    for day in CalendarDay.objects.all():
        published = holidays if day.kind == "holiday" else workdays
        if day.date in published:
            day.source = "official"
            day.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0010_event_and_print_logs_kept_on_postgresql"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarday",
            name="source",
            field=models.CharField(choices=[("official", "State Council notice"), ("county", "County adjustment")],
                                   default="county", max_length=10, verbose_name="source"),
        ),
        migrations.RunPython(mark_official, migrations.RunPython.noop),
    ]
