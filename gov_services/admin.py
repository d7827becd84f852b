"""Django admin registrations of gov_services (autodiscovered): the feature packages register their own."""

from gov_services.channels import admin as channels_admin  # noqa: F401
