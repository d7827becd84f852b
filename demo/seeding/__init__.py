"""The demo county that `manage.py seed_demo` builds. Seeding lives only here (DESIGN.md): no app imports it."""
