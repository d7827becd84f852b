"""Start-up system checks (run by `manage.py check`, runserver, migrate and the test runner)."""

from django.core.checks import Warning, register

from core.pdf import harfbuzz_subset_available


@register("pdf")
def harfbuzz_subset_check(app_configs=None, **kwargs) -> list[Warning]:
    """Without libharfbuzz-subset WeasyPrint subsets CJK fonts with fontTools: ~8 s per certificate
    instead of ~0.13 s (../shared/notes/integration.md §3). Rendering still works, so only warn."""
    if harfbuzz_subset_available():
        return []
    return [Warning(
        "libharfbuzz-subset is missing: PDFs with Chinese text will render about 60 times slower.",
        hint="Install the Debian package libharfbuzz-subset0 (scripts/install-system-deps.sh --for base).",
        id="core.W001",
    )]
