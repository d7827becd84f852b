"""Every URL pattern of the project, from the resolver, with the key the expectation table uses.

The key is the pattern's namespaced name ("gov_services:counter-ledger"); where two patterns share
a name (Oscar's "dashboard:offer-metadata" with and without a pk) the kwargs follow in brackets
("dashboard:offer-metadata[pk]"); an unnamed pattern is keyed by its route.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# The Django admin's function views that only read (its history page, the translations, autocomplete).
READ_ONLY_ADMIN_VIEWS = frozenset({"history_view", "i18n_javascript", "autocomplete_view"})


@dataclass(frozen=True)
class Pattern:
    route: str                 # the full route, as the resolver joins it
    name: str | None           # "namespace:name"
    kwargs: tuple[str, ...]    # the URL kwargs (named groups), in order
    positional: int            # how many unnamed groups (Wagtail's documents/…, the page catch-all)
    view: object               # the callback
    key: str = ""

    @property
    def view_class(self):
        return getattr(self.view, "view_class", None)

    @property
    def takes_post(self) -> bool | None:
        """Whether the view answers POST: True/False for a class-based view or a read-only admin view,
        None when it cannot be told."""
        cls = self.view_class
        if cls is None:
            return False if getattr(self.view, "__name__", "") in READ_ONLY_ADMIN_VIEWS else None
        return hasattr(cls, "post") and "post" in getattr(cls, "http_method_names", ["post"])

    def url(self, values: dict) -> str:
        """The URL for these kwarg values (every kwarg must be given)."""
        if self.name:
            try:
                return reverse(self.name, kwargs=values or None)
            except NoReverseMatch:
                if self.positional == 0:
                    raise
        return "/" + _fill_route(self.route, values)


_GROUP = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _fill_route(route: str, values: dict) -> str:
    """A route with its kwargs filled in and regex syntax taken out (for unnamed or positional patterns)."""
    def group(match):
        return str(values.get(match.group("name") or match.group("rname"), "1"))

    text = _GROUP.sub(group, route)
    return text.replace("^", "").replace("$", "").replace("\\", "")


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver, prefix: str, namespace: str | None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                regex = entry.pattern.regex
                kwargs = tuple(regex.groupindex)
                positional = regex.groups - len(kwargs)
                found.append(Pattern(route, name, kwargs, positional, entry.callback))

    walk(get_resolver(), "", None)
    names = Counter(p.name for p in found if p.name)
    return [_keyed(p, names) for p in found]


def _keyed(pattern: Pattern, names: Counter) -> Pattern:
    if not pattern.name:
        key = pattern.route
    elif names[pattern.name] > 1:
        key = f"{pattern.name}[{','.join(pattern.kwargs)}]"
    else:
        key = pattern.name
    return Pattern(pattern.route, pattern.name, pattern.kwargs, pattern.positional, pattern.view, key)


def sample_values(pattern: Pattern) -> dict:
    """Kwarg values that fit the pattern's converters, for pages whose object does not matter
    (the Django admin and Wagtail's admin refuse before they look anything up)."""
    values = {}
    for match in _GROUP.finditer(pattern.route):
        name = match.group("name") or match.group("rname")
        body = match.group(0)[len(name) + 5:-1] if match.group("rname") else ""
        if re.fullmatch(r"[\w|]+", body):  # an alternation of words: (?P<app_label>auth|accounts|…)
            values[name] = body.split("|")[0]
        elif match.group("conv") == "int" or "\\d" in body:
            values[name] = "1"
        else:
            values[name] = "x1"
    return values
