"""The account's part of a resident's copy of their data (core/personal_data_requests.py)."""

from django.utils.translation import gettext_lazy as _

from core.personal_data_requests import ExportSection


def account_rows(user) -> list[dict]:
    return [{"username": user.username, "full_name": user.full_name, "phone": user.phone, "email": user.email,
             "date_joined": user.date_joined, "last_login": user.last_login}]


SECTION = ExportSection("account", _("Your account"), account_rows)
