"""A county's own search words: what residents say (低保, 准生证) → the catalogue's words. Added to the
built-in synonyms of core/zh_text.py when the service catalogue is searched (counter, online)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stations.models import Region


class SearchSynonym(models.Model):
    county = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("county"), help_text=_("Empty: every county"))
    word = models.CharField(_("what residents say"), max_length=20)
    means = models.CharField(_("catalogue words"), max_length=200,
                             help_text=_("Words of the items' names, separated by spaces, e.g. 最低生活保障 低保"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        ordering = ["word"]
        constraints = [models.UniqueConstraint(fields=["county", "word"], name="gov_search_word_once_per_county")]

    def __str__(self) -> str:
        return f"{self.word} → {self.means}"

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(term for term in self.means.split() if term)
