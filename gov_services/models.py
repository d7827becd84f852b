from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stations.models import Region


class Department(models.Model):
    """A government department that works requests routed to it (民政局, 人社局, 乡镇便民服务中心 …)."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments",
                               verbose_name=_("region served"))
    phone = models.CharField(_("service phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DepartmentMembership(models.Model):
    """An officer's scope: the department whose queue they work."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships")
    is_head = models.BooleanField(_("department head"), default=False)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="membership_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"
