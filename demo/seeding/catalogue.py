"""The demo county's service catalogue, imported by the county admin from demo/data/ through the catalogue
import (/county/catalogue/): ~40 items a county like Laoting offers, drawn from the seeds (Suning's
224-item catalogue with 88 items accepted at village level; the errands Laoting's stations run for
residents) and common county catalogues, with their materials and e-forms (catalogue.csv), then a licence
with its sub-items (catalogue_subitems.csv). Runs after the departments; idempotent (imports.py).
"""

from demo.seeding.clock import SET_UP_AT, at
from demo.seeding.county import DemoCounty
from demo.seeding.imports import import_demo_file
from gov_services.catalogue.imports import catalogue_import_job_run, catalogue_import_submit
from gov_services.catalogue.services import service_item_steps_set
from gov_services.catalogue.steps import StepPlan
from gov_services.models import ServiceItem

CATALOGUE_FILES = ("catalogue.csv", "catalogue_subitems.csv")
# The county sets the steps of 低保 as its rules read (入户调查 → 审查 → 公示 → 审批; the reviewer does not
# approve); the other items keep the default accept → review → approve.
LOW_INCOME_STEPS = [StepPlan("accept", 1), StepPlan("inspection", 5), StepPlan("review", 5),
                    StepPlan("notice", 7), StepPlan("approve", 3, separate_from=("review",))]


def seed_catalogue(demo: DemoCounty, progress) -> None:
    admin = demo.county_admin
    with at(SET_UP_AT):
        for name in CATALOGUE_FILES:
            import_demo_file(name, run=catalogue_import_job_run, submit=lambda upload, key: catalogue_import_submit(
                user=admin, county=demo.county, upload=upload, idempotency_key=key))
        low_income = ServiceItem.objects.filter(code="LT-MZJ-01").first()
        if low_income is not None and not low_income.steps.exists():
            service_item_steps_set(item=low_income, actor=admin, steps=LOW_INCOME_STEPS, overall_limit_fixed=False)
    progress.step("service catalogue")
