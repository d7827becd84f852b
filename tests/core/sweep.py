"""Helpers of the generated sweeps: every URL the resolver can build without arguments, and the
POST forms a page offers (parsed from its HTML, so a new form is swept without a new test line)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import URLResolver, get_resolver

# Wagtail serves every other path with a catch-all that has groups; its root is swept too.
EXTRA_PATHS = ("/",)
# Wagtail's page for testing error reports raises on purpose.
LEFT_OUT = ("/cms/failwhale/",)


def _pattern_text(pattern) -> str:
    text = pattern.pattern.regex.pattern.lstrip("^")
    return text.removesuffix(r"\Z").removesuffix("$")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        text = prefix + _pattern_text(pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, text)
        else:
            yield text


def plain_paths() -> list[str]:
    """Every URL path of the project that takes no argument ("/shop/search/", "/api/stations/", …)."""
    paths = set(EXTRA_PATHS)
    for regex in _walk(get_resolver().url_patterns):
        if re.compile(regex).groups:
            continue
        literal = re.sub(r"\\(.)", r"\1", regex)
        if not re.search(r"[\[\](){}*+?|]", literal):
            paths.add("/" + literal)
    return sorted(paths - set(LEFT_OUT))


@dataclass
class Form:
    action: str
    enctype: str
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms, self._current, self._select = page_path, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            action = attrs.get("action") or ""
            self._current = Form(action=self.page_path + action if action[:1] in ("", "?") else action,
                                 enctype=attrs.get("enctype") or "application/x-www-form-urlencoded")
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag == "option" and self._select:  # the selected option, else the first
            if self._select not in self._current.fields or "selected" in attrs:
                self._current.fields[self._select] = attrs.get("value") or ""
        elif tag in ("input", "select", "textarea") and attrs.get("name"):  # not buttons: none was pressed
            if attrs.get("type") == "file":
                self._current.files.append(attrs["name"])
            elif (attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs) or attrs.get("type") == "submit":
                return
            elif tag == "select":
                self._select = attrs["name"]
            else:
                self._current.fields.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def post_forms(html: str, page_path: str) -> list[Form]:
    """The POST forms of a page, with their fields' names and default values."""
    parser = _FormParser(page_path)
    parser.feed(html)
    return [form for form in parser.forms if form.action.startswith("/")]
