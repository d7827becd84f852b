"""Start-up system checks of the accounts settings (run by `manage.py check`, migrate and the test runner)."""

from django.conf import settings
from django.core.checks import Error, register

from accounts.roles import Role


@register()
def two_factor_roles_check(app_configs=None, **kwargs) -> list[Error]:
    """A misspelt role in TWO_FACTOR_ROLES would silently let its holders in with a password alone."""
    unknown = sorted(set(settings.TWO_FACTOR_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [Error(f"TWO_FACTOR_ROLES names roles that do not exist: {', '.join(unknown)}.",
                  hint=f"Choose among {', '.join(Role.values)}.", id="accounts.E001")]
