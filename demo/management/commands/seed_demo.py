import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.progress import Progress
from demo.seeding.agency import HISTORY_MONTHS, seed_agency, seed_till
from demo.seeding.care import seed_care
from demo.seeding.catalogue import seed_catalogue
from demo.seeding.certificates import seed_certificates
from demo.seeding.channels import seed_channels
from demo.seeding.county import (
    DEMO_DEPARTMENT,
    DEMO_STATION,
    DemoCounty,
    seed_admins,
    seed_departments,
    seed_grids,
    seed_regions,
    seed_staff,
    seed_stations,
)
from demo.seeding.people import DEMO_PASSWORD, seed_resident
from demo.seeding.portal import seed_portal
from demo.seeding.reports import seed_reports
from demo.seeding.service_requests import REQUEST_COUNT, seed_requests
from demo.seeding.shop import MERCHANTS, seed_merchants
from demo.seeding.sms import seed_sms_templates
from demo.seeding.supervision import seed_supervision
from gov_services.models import Department
from stations.models import Station

# regions, admins, stations, departments, staff, grids, till set-up, catalogue; requests by forties; the
# till's history by month and its total; certificates, supervision; one per merchant; portal, people.
STEPS = 8 + REQUEST_COUNT // 40 + HISTORY_MONTHS + 2 + 2 + len(MERCHANTS) + 2 + 1 + 1 + 1 + 1  # + care, SMS templates, channels, reports


class Command(BaseCommand):
    help = "Build the demo county (idempotent) and print the demo logins. Refuses to run in production."

    def handle(self, *args, **options):
        if not settings.DEMO_SEED_ALLOWED:
            raise CommandError("seed_demo refuses to run here: its accounts have a published password. "
                               "It is for demos and development only.")
        with quiet(), Progress(STEPS, self.stdout) as progress, transaction.atomic():
            demo = seed_regions(progress)  # the county's master data, imported from demo/data/ …
            seed_admins(demo, progress)
            seed_sms_templates(demo, progress)
            seed_stations(demo, progress)
            seed_departments(demo, progress)
            seed_staff(demo, progress)
            seed_grids(demo, progress)
            seed_till(demo, progress)
            seed_catalogue(demo, progress)
            seed_requests(demo, progress)  # … then its activity, through the services
            seed_reports(demo, progress)
            seed_agency(demo, progress)
            seed_certificates(demo, progress)
            seed_supervision(demo, progress)
            seed_merchants(demo, progress)
            seed_portal(demo, progress)
            seed_resident(progress)
            seed_care(demo, progress)
            seed_channels(demo, progress)
        self._print_logins(demo)

    def _print_logins(self, demo: DemoCounty) -> None:
        station = Station.objects.get(code=DEMO_STATION).name
        department = Department.objects.get(code=DEMO_DEPARTMENT).name
        logins = [  # (role, username, where: the first page is where signing in lands)
            ("county admin", "county_admin", "/county/"),
            ("township admin", "township_admin", f"/county/ ({demo.townships[0].name})"),
            ("station operator", "operator", f"/counter/ ({station})"),
            ("grid liaison", "liaison", f"/counter/ ({station})"),
            ("department officer", "officer", f"/dept/ ({department})"),
            ("department head", "dept_head", f"/dept/ ({department})"),
            ("county finance", "county_finance", "/county/  /county/statements/"),
            ("merchant", MERCHANTS[0][0], f"/merchant/ ({MERCHANTS[0][1]})"),
            ("county editor (Wagtail)", "editor", "/cms/"),
            ("portal moderator (Wagtail)", "moderator", "/cms/"),
            ("resident", "resident", "/me/requests/  /me/certificates/"),
            ("care operator", "care_desk", "/care/"),
            ("system administrator", "sysadmin", "/ops/ (health, metrics)"),
            ("security administrator", "secadmin", "/ops/  /ops/admins/"),
            ("audit administrator", "auditor", "/ops/  /ops/audit/"),
            ("data officer", "dataofficer", "/ops/  /ops/personal-data/"),
            ("superuser", demo.admin.username, "/county/  /admin/  /cms/"),
        ]
        self.stdout.write(self.style.SUCCESS(f"\nDemo county ready: {demo.county.name}, "
                                             f"{len(demo.stations)} stations."))
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/login/ — every demo password is {DEMO_PASSWORD}\n")
        width = max(len(role) for role, _, _ in logins)
        for role, username, where in logins:
            self.stdout.write(f"  {role:<{width}}  {username:<16} → {where}")


@contextmanager
def quiet():
    """While seeding, the console shows the progress bar only: no informational logs (the console SMS
    backend's texts, WeasyPrint's and fontTools' steps, Celery's eager task results) and no warning from
    kombu about the broker the embedded demo does not use. The texts are still in the SMS outbox."""
    kombu = logging.getLogger("kombu")
    disabled, kombu_level = logging.root.manager.disable, kombu.level
    logging.disable(logging.INFO)
    kombu.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logging.disable(disabled)
        kombu.setLevel(kombu_level)
