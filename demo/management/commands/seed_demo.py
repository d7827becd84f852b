from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import Role
from accounts.services import user_role_grant
from core.progress import Progress
from demo.seeding.agency import seed_agency
from demo.seeding.catalogue import seed_catalogue
from demo.seeding.certificates import seed_certificates
from demo.seeding.county import (
    DEMO_PASSWORD,
    STAFFED_STATIONS,
    TOWNSHIPS,
    DemoCounty,
    demo_user,
    seed_grids,
    seed_regions,
    seed_staff,
    seed_stations,
)
from demo.seeding.departments import seed_departments
from demo.seeding.portal import seed_portal
from demo.seeding.service_requests import REQUEST_COUNT, seed_department_staff, seed_requests
from demo.seeding.shop import MERCHANTS, seed_merchants
from demo.seeding.supervision import seed_supervision


class Command(BaseCommand):
    help = "Build the demo county (idempotent) and print the demo logins. Refuses to run in production."

    def handle(self, *args, **options):
        if not settings.DEMO_SEED_ALLOWED:
            raise CommandError("seed_demo refuses to run here: its accounts have a published password. "
                               "It is for demos and development only.")
        # regions (one step per township) + stations + staff + grids (one per open station) + …
        # one step per township, staffed station, merchant and 40 requests, plus seven single steps
        steps = len(TOWNSHIPS) + STAFFED_STATIONS + len(MERCHANTS) + REQUEST_COUNT // 40 + 7
        with Progress(steps, self.stdout) as progress, transaction.atomic():
            demo = seed_regions(progress)
            seed_stations(demo, progress)
            seed_staff(demo, progress)
            seed_grids(demo, progress)
            seed_departments(demo, progress)
            seed_catalogue(demo, progress)
            seed_department_staff(demo, progress, demo_user)
            seed_requests(demo, progress)
            seed_agency(demo, progress)
            seed_certificates(demo, progress)
            seed_supervision(demo, progress)
            seed_merchants(demo, progress)
            seed_portal(demo, progress)
            self._seed_people(demo, progress)
        self._print_logins(demo)

    def _seed_people(self, demo: DemoCounty, progress) -> None:
        resident = demo_user("resident", "刘桂兰", "13935000001")
        user_role_grant(user=resident, role=Role.RESIDENT, actor=None)
        demo.logins.append(("resident", "resident", "/me/requests/  /me/certificates/"))
        admin = demo_user("admin", "系统管理员", "", is_staff=True, is_superuser=True)
        demo.logins.append(("superuser", admin.username, "/county/  /admin/  /cms/"))
        progress.step("people")

    def _print_logins(self, demo: DemoCounty) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo county ready: {demo.county.name}, "
                                             f"{len(demo.stations)} stations."))
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/login/ — every demo password is {DEMO_PASSWORD}\n")
        width = max(len(role) for role, _, _ in demo.logins)
        for role, username, where in demo.logins:
            self.stdout.write(f"  {role:<{width}}  {username:<16} → {where}")
