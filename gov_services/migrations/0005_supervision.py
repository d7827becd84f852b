"""Supervision: per-county settings and escalation steps, sweeps, cards and escalations."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CARD_CHOICES = [("yellow", "Yellow card"), ("red", "Red card")]
TASK_CHOICES = [("none", "No task (notification only)"),
                ("call", "Supervision call by the county supervision office (督办电话)"),
                ("interview", "Referral to the organisation department (约谈)")]


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0004_china_public_holidays_2025_2026"),
        ("stations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SupervisionSweep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(verbose_name="for the moment")),
                ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="started at")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                ("trigger", models.CharField(choices=[("beat", "Scheduled"), ("command", "Command line"),
                                                      ("demo", "Demo data")], max_length=8, verbose_name="trigger")),
                ("counts", models.JSONField(blank=True, default=dict, verbose_name="counts")),
            ],
            options={"verbose_name": "supervision sweep", "verbose_name_plural": "supervision sweeps",
                     "ordering": ["-started_at", "-pk"]},
        ),
        migrations.CreateModel(
            name="EscalationStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("label", models.CharField(max_length=60, verbose_name="name")),
                ("card", models.CharField(choices=CARD_CHOICES, max_length=6, verbose_name="card")),
                ("after_days", models.PositiveSmallIntegerField(
                    default=0, validators=[django.core.validators.MaxValueValidator(60)],
                    verbose_name="after (working days holding the card)")),
                ("notify", models.CharField(choices=[("nobody", "Nobody"), ("assignee", "The officer handling it"),
                                                     ("head", "The department head"),
                                                     ("both", "The officer and the department head")],
                                            default="nobody", max_length=8, verbose_name="send an SMS to")),
                ("task", models.CharField(choices=TASK_CHOICES, default="none", max_length=9, verbose_name="task")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("county", models.ForeignKey(limit_choices_to={"level": "county"},
                                             on_delete=django.db.models.deletion.CASCADE,
                                             related_name="escalation_steps", to="stations.region",
                                             verbose_name="county")),
            ],
            options={"verbose_name": "escalation step", "verbose_name_plural": "escalation steps",
                     "ordering": ["county", "position", "pk"]},
        ),
        migrations.CreateModel(
            name="SupervisionSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("yellow_percent", models.PositiveSmallIntegerField(
                    default=90, validators=[django.core.validators.MinValueValidator(1),
                                            django.core.validators.MaxValueValidator(299)],
                    verbose_name="yellow card at (per cent of the time limit used)")),
                ("red_percent", models.PositiveSmallIntegerField(
                    default=100, help_text="100: as soon as the deadline has passed.",
                    validators=[django.core.validators.MinValueValidator(2),
                                django.core.validators.MaxValueValidator(300)],
                    verbose_name="red card beyond (per cent of the time limit used)")),
                ("returned_close_days", models.PositiveSmallIntegerField(
                    default=20,
                    help_text="A request waiting for the resident's supplement this long is closed by the sweep.",
                    validators=[django.core.validators.MinValueValidator(1),
                                django.core.validators.MaxValueValidator(250)],
                    verbose_name="close returned requests after (working days)")),
                ("weight_on_time", models.PositiveSmallIntegerField(
                    default=40, validators=[django.core.validators.MaxValueValidator(100)],
                    verbose_name="weight: on-time rate")),
                ("weight_satisfaction", models.PositiveSmallIntegerField(
                    default=30, validators=[django.core.validators.MaxValueValidator(100)],
                    verbose_name="weight: satisfaction rate")),
                ("weight_red_cards", models.PositiveSmallIntegerField(
                    default=20, validators=[django.core.validators.MaxValueValidator(100)],
                    verbose_name="weight: red cards")),
                ("weight_follow_ups", models.PositiveSmallIntegerField(
                    default=10, validators=[django.core.validators.MaxValueValidator(100)],
                    verbose_name="weight: follow-ups done")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("county", models.OneToOneField(limit_choices_to={"level": "county"},
                                                on_delete=django.db.models.deletion.CASCADE,
                                                related_name="supervision_settings", to="stations.region",
                                                verbose_name="county")),
            ],
            options={"verbose_name": "supervision settings", "verbose_name_plural": "supervision settings"},
        ),
        migrations.CreateModel(
            name="SupervisionCard",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.CharField(choices=CARD_CHOICES, max_length=6, verbose_name="card")),
                ("issued_at", models.DateTimeField(verbose_name="issued at")),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                 to="gov_services.department", verbose_name="department")),
                ("request", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="supervision_cards", to="gov_services.servicerequest",
                                              verbose_name="request")),
                ("sweep", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="cards",
                                            to="gov_services.supervisionsweep")),
            ],
            options={"verbose_name": "supervision card", "verbose_name_plural": "supervision cards"},
        ),
        migrations.CreateModel(
            name="Escalation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=60, verbose_name="step")),
                ("card", models.CharField(choices=CARD_CHOICES, max_length=6, verbose_name="card")),
                ("task", models.CharField(choices=TASK_CHOICES, max_length=9, verbose_name="task")),
                ("issued_at", models.DateTimeField(verbose_name="issued at")),
                ("status", models.CharField(choices=[("open", "Open"), ("done", "Done"), ("notified", "Notified")],
                                            default="open", max_length=8, verbose_name="status")),
                ("call_made_at", models.DateTimeField(blank=True, null=True, verbose_name="call made at")),
                ("outcome", models.TextField(blank=True, verbose_name="outcome")),
                ("handled_at", models.DateTimeField(blank=True, null=True, verbose_name="recorded at")),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                 to="gov_services.department", verbose_name="department")),
                ("handled_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL,
                                                 verbose_name="recorded by")),
                ("named_person", models.ForeignKey(blank=True, null=True,
                                                   on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                   to=settings.AUTH_USER_MODEL,
                                                   verbose_name="department head named")),
                ("request", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="escalations",
                                              to="gov_services.servicerequest", verbose_name="request")),
                ("responsible", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                  related_name="+", to=settings.AUTH_USER_MODEL,
                                                  verbose_name="officer handling it")),
                ("step", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="escalations",
                                           to="gov_services.escalationstep", verbose_name="step")),
                ("sweep", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="escalations",
                                            to="gov_services.supervisionsweep")),
            ],
            options={"verbose_name": "escalation", "verbose_name_plural": "escalations",
                     "ordering": ["-issued_at", "-pk"]},
        ),
        migrations.AddConstraint(
            model_name="supervisionsettings",
            constraint=models.CheckConstraint(condition=models.Q(("yellow_percent__lt", models.F("red_percent"))),
                                              name="supervision_yellow_before_red"),
        ),
        migrations.AddIndex(
            model_name="supervisioncard",
            index=models.Index(fields=["level", "issued_at"], name="gov_service_level_c09bde_idx"),
        ),
        migrations.AddIndex(
            model_name="supervisioncard",
            index=models.Index(fields=["department", "issued_at"], name="gov_service_departm_4f95b4_idx"),
        ),
        migrations.AddIndex(
            model_name="supervisioncard",
            index=models.Index(fields=["sweep", "level"], name="gov_service_sweep_i_98bf2f_idx"),
        ),
        migrations.AddConstraint(
            model_name="supervisioncard",
            constraint=models.UniqueConstraint(fields=("request", "level"), name="supervision_card_once"),
        ),
        migrations.AddIndex(
            model_name="escalation",
            index=models.Index(fields=["status", "issued_at"], name="gov_service_status_3733d9_idx"),
        ),
        migrations.AddIndex(
            model_name="escalation",
            index=models.Index(fields=["sweep"], name="gov_service_sweep_i_75ed10_idx"),
        ),
        migrations.AddConstraint(
            model_name="escalation",
            constraint=models.UniqueConstraint(fields=("request", "step"), name="escalation_step_once"),
        ),
    ]
