from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gov_services.requests.models.requests import ServiceRequest


class RequestFollower(models.Model):
    """Someone who gets a text message when a resident's report (诉求) changes status: the resident who
    reported it, and anyone who followed a public report instead of reporting the same problem again.

    The phone is the account's, read when a message is sent; the public never sees who follows."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="followers",
                                verbose_name=_("request"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_requests",
                             verbose_name=_("resident account"))
    is_reporter = models.BooleanField(_("reported it"), default=False)
    created_at = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="request_follower_once")]

    def __str__(self) -> str:
        return f"{self.request_id} ← {self.user_id}"
