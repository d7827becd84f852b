"""The portal's Django views (its Wagtail pages serve themselves): search, the station directory and
map, the sitemap and robots.txt. All public; all reads. (The performance figures at /performance/ are
a public page of reports; the sitemap and the site frame link to it by URL name.)"""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from wagtail.models import Page, Site

from core.page_cache import mark_cacheable
from portal import selectors
from stations.models import Station, StationService
from stations.selectors_map import public_map

SEARCH_MAX_LENGTH = 50


class PortalSearchView(View):
    """/search/?q=低保: guides first (the usual reason to search), then news."""

    template_name = "portal/search.html"

    def get(self, request):
        query = (request.GET.get("q") or "").strip()[:SEARCH_MAX_LENGTH]
        guides = selectors.guide_search(query=query) if query else []
        news = selectors.news_search(query=query, limit=5) if query else []
        return TemplateResponse(request, self.template_name, {
            "query": query, "guides": guides, "news": news, "links": selectors.portal_links(),
        })


class StationDirectoryView(View):
    """/stations/: every station with tier, status, services, hours and phone, on the county map (which needs
    no internet). Filters: ?township=<division code>, ?service=<kind>, ?item=<catalogue code> (from a guide's
    "apply at your station")."""

    template_name = "portal/station_directory.html"

    def get(self, request):
        township = (request.GET.get("township") or "").strip()[:12]
        service = (request.GET.get("service") or "").strip()[:20]
        item_code = (request.GET.get("item") or "").strip()[:30]
        directory = selectors.station_directory(township_code=township, service=service, item_code=item_code)
        stations = directory["stations"]
        townships = selectors.township_choices()
        statuses, tiers, kinds = ({k: v for k, v in Station.Status.choices if k != Station.Status.CLOSED},
                                  dict(Station.Tier.choices),
                                  dict(StationService.Kind.choices))
        rows = [{**s, "status_label": statuses.get(s["status"], s["status"]), "tier_label": tiers.get(s["tier"], ""),
                 "service_names": [kinds.get(k, k) for k in s["services"]]} for s in stations]
        response = TemplateResponse(request, self.template_name, {
            "stations": rows, "townships": townships, "township": township,
            "map": public_map(stations=stations, townships=townships, selected=township),
            "service": service if service in kinds else "", "services": StationService.Kind.choices,
            "item": directory["item"], "item_at_station": directory["item_at_station"],
            "filtered": bool(township or service or directory["item"]),
        })
        # Narrowed to a township, the page shows only its stations: another township's do not forget it.
        tags = ["regions", f"stations:{township}" if township else "stations"]
        if directory["item"] is not None:
            tags.append(f"item:{directory['item'].pk}")
        return mark_cacheable(response, tags=tags)


class SitemapView(View):
    """/sitemap.xml: every live public page of the site, plus the directory and the figures."""

    def get(self, request):
        site = Site.find_for_request(request)
        urls = []
        if site is not None:
            pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True).specific()
            for page in pages:
                urls += page.get_sitemap_urls(request)
        for name in ("portal:station-directory", "reports:public-performance"):
            urls.append({"location": request.build_absolute_uri(reverse(name))})
        return mark_cacheable(TemplateResponse(request, "portal/sitemap.xml", {"urlset": urls},
                                               content_type="application/xml"))


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /cms/", "Disallow: /admin/", "Disallow: /counter/",
             "Disallow: /county/", "Disallow: /dept/", "Disallow: /me/",
             f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

