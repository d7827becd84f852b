"""`manage.py db_grant_app_role cunzhan_app`: give the application's PostgreSQL role what the code
needs and nothing more (core/db_app_role.py). Run as the owner of the tables, after every migrate."""

from django.core.management.base import BaseCommand, CommandError

from core.db_app_role import AppRoleRefused, app_role_grant


class Command(BaseCommand):
    help = "Grant the application's database role what it needs on every table (run as the owner, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role gunicorn and Celery connect as, e.g. cunzhan_app")

    def handle(self, *args, role, **options):
        try:
            grants = app_role_grant(role=role)
        except AppRoleRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{grants.role}: SELECT, INSERT, UPDATE, DELETE on {grants.tables} tables, but no UPDATE or DELETE on "
            f"{len(grants.append_only)} append-only tables and no DELETE on {len(grants.kept)} kept ones; "
            "USAGE and SELECT on sequences; the same on tables created from now on.")
