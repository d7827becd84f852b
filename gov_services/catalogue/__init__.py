"""The service catalogue: what the county offers and how each item is handled. Service items (with their
sub-items), each item's materials checklist, its approval steps and their limits, and its electronic form
(eforms/: the schema as data, turned into a Django form); the departments that serve the items and their
members; the county's own search words; the catalogue as a spreadsheet (import as a background job, and
export).

The bottom feature of gov_services: it imports no other gov_services feature. Requests, supervision,
certificates and channels build on it (they read its models and selectors); nothing here reads a request.
What joins the catalogue with requests lives on the requests' side (e.g. the counter's ranking by a
station's filings, gov_services/requests/selectors/counter.py).

Modules: models.py (Department, DepartmentMembership, ServiceItem, RequiredMaterial, ItemStep with
StepKind/StepRole, SearchSynonym; registered through gov_services/models/__init__.py), steps.py (pure: an
item's step rules), eforms/ (pure: e-form schemas), cells.py and spreadsheets.py (pure: the catalogue
file's cells and rows), services.py (writes: items, materials, steps, search words), imports.py (the file
import as a queued job; its Celery task stays in gov_services/tasks/catalogue.py), selectors.py (reads,
scoped: search, where an item is offered, the back office's lists), forms.py, views.py + urls.py (the back
office, /county/catalogue/), views_search_words.py (/county/search-words/, routed in urls_settings.py),
views_resident.py (the public catalogue, /services/, routed in gov_services/requests/urls_resident.py).
Templates stay in gov_services/templates/gov_services/ (catalogue_*.html, search_words.html,
resident_service_*.html).
"""
