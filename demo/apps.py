from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the whole project; sits above every domain app (like config)."""

    name = "demo"
    verbose_name = "Demo data"
