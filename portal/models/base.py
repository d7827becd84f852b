"""What every portal page shares: Chinese search fields and whole-page caching."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core.page_cache import mark_cacheable
from portal.zh_search import ZhAutocompleteField, ZhSearchField


def zh_page_search_fields(*fields, title_also: tuple[str, ...] = ()) -> list:
    """Page.search_fields plus the title segmented for Chinese (and `title_also` ranked with it), plus
    `fields`. Page's own fields stay (Wagtail checks for them); its unsegmented title only adds the
    whole title as one more word, which an exact title search then matches."""
    return [*Page.search_fields, ZhSearchField("title", boost=2, also=title_also), ZhAutocompleteField("title"),
            *fields]


class CachedPageMixin:
    """Lets core.page_cache keep the public rendering of this page (not previews, not private pages)."""

    # What the page shows from other apps, as tags of core.page_cache (portal/signals.py invalidates them).
    cache_tags: tuple[str, ...] = ()

    def page_cache_tags(self) -> tuple[str, ...]:
        return self.cache_tags

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if not getattr(request, "is_preview", False) and not self.get_view_restrictions().exists():
            mark_cacheable(response, tags=self.page_cache_tags())
        return response


# The portal's sections, one page each directly under the home page, at fixed addresses: the site
# frame links to them without a query (portal_tags), and migration 0005 creates them.
SECTION_SLUGS = {"guides": "guides", "news": "news", "phones": "phones"}


class SectionPageMixin:
    section: str  # a key of SECTION_SLUGS
    max_count = 1

    def clean(self):
        super().clean()
        slug = SECTION_SLUGS[self.section]
        if self.slug != slug:
            raise ValidationError({"slug": _("This section's address is fixed: its slug must be “%(slug)s”.")
                                   % {"slug": slug}})
