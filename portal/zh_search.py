"""A Wagtail search backend that understands Chinese, on SQLite and PostgreSQL, with no search server.

Settings: WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "portal.zh_search"}}.

How: the stock database backend (SQLite FTS5 / PostgreSQL tsvector, chosen for the connection) is
kept; we only change the text going in and out. Page models declare `ZhSearchField` /
`ZhAutocompleteField`, whose values are segmented by jieba into space-separated words before they are
indexed (core/zh_text.py). Every query — the portal's search box and the Wagtail admin's page
search alike — is segmented the same way, stop words dropped and synonyms added, before the stock
backend sees it. Pages are indexed on save by Wagtail's signal handlers; after changing the
segmentation (new domain words), rebuild with `manage.py wagtail_update_index`
(not `update_index`, which is Oscar's haystack command).
"""

from __future__ import annotations

from django.utils.encoding import force_str
from django.utils.html import strip_tags
from modelsearch.backends import database
from modelsearch.query import PlainText
from wagtail.search import index

from core import zh_text


def _as_text(value) -> str:
    """Plain text of a field value: rich text loses its tags, lists and StreamField values are joined."""
    if value is None:
        return ""
    if isinstance(value, str):
        return strip_tags(value)
    if isinstance(value, list | tuple):
        return " ".join(_as_text(v) for v in value)
    return strip_tags(force_str(value))


class ZhSearchField(index.SearchField):
    """A SearchField whose indexed value is jieba-segmented. `also` names more attributes (or methods)
    whose text is indexed under the same field — e.g. a guide's keywords ranked with its title."""

    def __init__(self, field_name, *, also: tuple[str, ...] = (), **kwargs):
        super().__init__(field_name, **kwargs)
        self.also = also

    def get_value(self, obj):
        texts = [_as_text(super().get_value(obj))]
        for name in self.also:
            value = getattr(obj, name, "")
            texts.append(_as_text(value() if callable(value) else value))
        return zh_text.segment(" ".join(texts))


class ZhAutocompleteField(index.AutocompleteField):
    def get_value(self, obj):
        return zh_text.segment(_as_text(super().get_value(obj)))


def zh_query(query):
    """The query as the index is written: segmented words, stop words out, synonyms in.
    Anything other than plain text (phrases, combinations) passes through unchanged."""
    if isinstance(query, str):
        return " ".join(zh_text.query_terms(query))
    if isinstance(query, PlainText):
        terms = " ".join(zh_text.query_terms(query.query_string))
        return PlainText(terms, operator=query.operator, boost=query.boost) if terms else ""
    return query


class ZhQueryMixin:
    def search(self, query, model_or_queryset, *args, **kwargs):
        return super().search(zh_query(query), model_or_queryset, *args, **kwargs)

    def autocomplete(self, query, model_or_queryset, *args, **kwargs):
        return super().autocomplete(zh_query(query), model_or_queryset, *args, **kwargs)


_classes: dict[type, type] = {}


def SearchBackend(params):
    """The database backend for the current connection, with Chinese-aware queries.

    PostgreSQL uses the "simple" text-search configuration: English stemming has nothing to do with
    Chinese words and would only mangle pinyin and codes.
    """
    params = {"SEARCH_CONFIG": "simple", **params}
    stock = database.SearchBackend(params)
    base = type(stock)
    if base not in _classes:
        _classes[base] = type(f"Zh{base.__name__}", (ZhQueryMixin, base), {})
    zh_text.initialise()
    return _classes[base](params)
