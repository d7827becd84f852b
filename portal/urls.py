"""The portal's own (non-Wagtail) pages, included at the site root before Wagtail's catch-all."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("search/", views.PortalSearchView.as_view(), name="search"),
    path("stations/", views.StationDirectoryView.as_view(), name="station-directory"),
    path("sitemap.xml", views.SitemapView.as_view(), name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
