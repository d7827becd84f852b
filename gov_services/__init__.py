"""Government services (政务服务), organised by feature, each a package with its models, services, selectors,
forms, views and urls (import-linter contracts in pyproject.toml keep their order):

* catalogue/ — what the county offers and how each item is handled; the bottom feature, it imports no other;
* requests/ — a service request's life, from filing to rating; it builds on the catalogue;
* supervision/ and certificates/ — build on requests and never import each other;
* channels/ and open311/ — other systems filing requests and hearing of their moves.

At the top level, below the features: the county set-up and what every feature shares. Departments and their
staff (views_setup_departments.py, setup_import*.py, selectors/ and services/departments.py), admin posts
(views_setup_admins.py), appeal routing and the working-day calendar (views_settings.py, routing.py,
selectors/, services/, models/settings.py), text messages (notifications.py: the SMS purposes; the outbox and
templates, views_notifications.py), identifiers.py; and the app's plumbing: models/ (gathers every feature's
models: one app label, one migration history), tasks/ (the Celery tasks, whose names are stored in beat
schedules), apps.py, attention.py, health.py, checks.py, db_invariants.py, admin.py, urls.py. Templates are in
templates/gov_services/.
"""
