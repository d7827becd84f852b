# Reports take the requests received in a period (reports/selectors): an index on the submission time
# turns a month's report into a range scan instead of a scan of every request ever filed; with the village
# (and the existing station one) a county's report reads its own requests, not the whole province's.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('gov_services', '0014_requestevent_partitioned_by_month'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='servicerequest',
            index=models.Index(fields=['submitted_at'], name='gov_request_submitted_at_idx'),
        ),
        migrations.AddIndex(
            model_name='servicerequest',
            index=models.Index(fields=['village', 'submitted_at'], name='gov_request_village_sub_idx'),
        ),
    ]
