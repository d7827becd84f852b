"""Wagtail's admin reads `?id=` as database ids in its choosers, its admin API's `find` and its bulk
actions, and answers anything else (`/cms/images/chooser/chosen-multiple/?id=1e5`) with a server
error. config/urls.py wraps those views in this check, which answers 400 instead. Other admin views
use `id` for other things (a block preview takes a block's name), so only these are wrapped."""

from functools import wraps

from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _

from core.http import InvalidParameter, int_or_none

ID_LIST_VIEWS = {"find", "chosen_multiple", "wagtailadmin_choose_page_chosen_multiple", "wagtail_bulk_action"}


def whole_number_ids(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if any(value != "all" and int_or_none(value) is None for value in request.GET.getlist("id")):
            raise InvalidParameter(_("“%(name)s” is not a valid number here.") % {"name": "id"})
        return view(request, *args, **kwargs)

    return checked


def guard_id_lists(patterns: list) -> list:
    """`patterns` (Wagtail's admin URLs) with the views of ID_LIST_VIEWS wrapped in `whole_number_ids`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            guard_id_lists(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name in ID_LIST_VIEWS:
            pattern.callback = whole_number_ids(pattern.callback)
    return patterns
