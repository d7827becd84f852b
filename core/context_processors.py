from django.conf import settings


def site_chrome(request):
    """What every page's header and footer need: the language switch and the site name."""
    return {
        # Not "site_name": Django's auth views put the Sites framework's name there.
        "brand_name": settings.WAGTAIL_SITE_NAME,
        "available_languages": settings.LANGUAGES,
    }
