"""Content-Security-Policy (core/csp.py, settings.CONTENT_SECURITY_POLICY): every kind of page sends
one, every inline script carries the nonce of its own response (also when the page comes from a
whole-page cache), and no template of ours has an inline script without the nonce or an inline
event handler. tests/e2e/test_csp.py checks in a browser that nothing is blocked."""

import re
from pathlib import Path

import pytest

from tests.portal.factories import portal_home
from tests.shop import factories

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
DATA_BLOCK = re.compile(r"""type=["'](application/(ld\+)?json|text/template)["']""")
NONCE_ATTRIBUTE = re.compile(r'\bnonce="([^"]*)"')
INLINE_HANDLER = re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


def header_nonce(response) -> str | None:
    nonces = [s[len("'nonce-"):-1] for s in policy(response).get("script-src", []) if s.startswith("'nonce-")]
    return nonces[0] if nonces else None


def inline_script_nonces(response) -> list[str | None]:
    """The nonce attribute of every inline script that runs (data blocks do not), None where missing."""
    nonces = []
    for attributes in INLINE_SCRIPT.findall(response.content.decode()):
        if not DATA_BLOCK.search(attributes):
            found = NONCE_ATTRIBUTE.search(attributes)
            nonces.append(found.group(1) if found else None)
    return nonces


@pytest.fixture
def product(tree):
    portal_home()  # Wagtail's pages, also after a transactional test has flushed the migrations' rows
    partner = factories.merchant(name="城关果园", townships=[tree["townships"][0]]).partner
    return factories.product(partner, title="苹果", price="8.00")


PAGES = [  # (who, path): one page of each kind
    (None, "/"),  # Wagtail's page serving (the portal)
    (None, "/services/"),  # our own views
    (None, "/shop/catalogue/"),  # Oscar's storefront, in our layout
    (None, "/login/"),
    (None, "/api/docs"),  # django-ninja's Swagger UI
    (None, "/api/stations/"),  # the JSON API
    (None, "/admin/login/"),  # Django's admin
    (None, "/no-such-page/"),  # an error page
    ("operator", "/counter/"),
    ("superuser", "/shop/dashboard/"),  # Oscar's dashboard
    ("superuser", "/cms/"),  # Wagtail's admin
]


@pytest.mark.parametrize("who, path", PAGES, ids=[path for _who, path in PAGES])
def test_every_kind_of_page_sends_a_policy_and_its_inline_scripts_carry_the_header_nonce(
        client, request, product, who, path):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    rules = policy(response)
    assert rules["default-src"] == ["'self'"] and rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'self'"] and rules["base-uri"] == ["'self'"]
    if path.startswith("/cms/"):
        return  # Wagtail's admin: see CSP_PATH_DIRECTIVES and the test below
    assert "'unsafe-inline'" not in rules["script-src"]
    scripts = inline_script_nonces(response)
    if scripts:
        assert set(scripts) == {header_nonce(response)}, f"{path}: {scripts} vs {rules['script-src']}"


def test_only_wagtails_admin_allows_inline_scripts_and_only_oscar_pages_allow_its_handlers(client, superuser,
                                                                                           product):
    client.force_login(superuser)
    cms, dashboard, portal = client.get("/cms/"), client.get("/shop/dashboard/"), client.get("/")
    assert policy(cms)["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-hashes'" in policy(dashboard)["script-src-attr"]
    assert "script-src-attr" not in policy(portal) and "script-src-attr" not in policy(cms)


def test_a_store_page_from_the_page_cache_never_replays_another_responses_nonce(client, product):
    first, second = client.get("/shop/catalogue/"), client.get("/shop/catalogue/")
    assert (first["X-Store-Cache"], second["X-Store-Cache"]) == ("miss", "hit")
    # The resident's store pages have no inline script at all (shop/templates/shop/store/base.html),
    # so their policy needs no nonce; one that has one gets a new one for every response.
    assert inline_script_nonces(first) == inline_script_nonces(second) == []
    nonces = [header_nonce(first), header_nonce(second)]
    assert nonces == [None, None] or (None not in nonces and nonces[0] != nonces[1])
    assert "__csp_nonce__" not in second.content.decode()


def _our_templates() -> list[Path]:
    return sorted(path for pattern in ("templates/**/*.html", "*/templates/**/*.html")
                  for path in BASE_DIR.glob(pattern) if ".venv" not in path.parts)


def test_no_template_of_ours_has_an_inline_script_without_the_nonce_or_an_inline_event_handler():
    templates = _our_templates()
    assert len(templates) > 100
    problems = []
    for path in templates:
        text = path.read_text()
        for attributes in INLINE_SCRIPT.findall(text):
            if not DATA_BLOCK.search(attributes) and 'nonce="{{ CSP_NONCE }}"' not in attributes:
                problems.append(f"{path.relative_to(BASE_DIR)}: <script{attributes}> without the nonce")
        problems += [f"{path.relative_to(BASE_DIR)}: {handler}" for handler in INLINE_HANDLER.findall(text)]
    assert problems == []
