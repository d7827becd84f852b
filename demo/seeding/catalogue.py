"""The demo county's service catalogue, imported by the county admin from demo/data/ through the catalogue
import (/county/catalogue/): ~40 items a county like Laoting offers, drawn from the seeds (Suning's
224-item catalogue with 88 items accepted at village level; the errands Laoting's stations run for
residents) and common county catalogues, with their materials and e-forms (catalogue.csv), then a licence
with its sub-items (catalogue_subitems.csv). Runs after the departments; idempotent (imports.py).
"""

from demo.seeding.clock import SET_UP_AT, at
from demo.seeding.county import DemoCounty
from demo.seeding.imports import import_demo_file
from gov_services.services.catalogue import catalogue_import_job_run, catalogue_import_submit

CATALOGUE_FILES = ("catalogue.csv", "catalogue_subitems.csv")


def seed_catalogue(demo: DemoCounty, progress) -> None:
    admin = demo.county_admin
    with at(SET_UP_AT):
        for name in CATALOGUE_FILES:
            import_demo_file(name, run=catalogue_import_job_run, submit=lambda upload, key: catalogue_import_submit(
                user=admin, county=demo.county, upload=upload, idempotency_key=key))
    progress.step("service catalogue")
