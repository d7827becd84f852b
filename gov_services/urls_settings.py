"""County settings screens (routing rules, holiday calendar). Included from gov_services/urls.py at the
site root inside the gov_services namespace, so the paths are written out in full."""

from django.urls import path

from gov_services import views_settings as views
from gov_services.catalogue.views_search_words import SearchWordListView

urlpatterns = [
    path("county/search-words/", SearchWordListView.as_view(), name="search-words"),
    path("county/routing/", views.RoutingRuleListView.as_view(), name="routing-rule-list"),
    path("county/routing/new/", views.RoutingRuleCreateView.as_view(), name="routing-rule-create"),
    path("county/routing/<int:pk>/edit/", views.RoutingRuleUpdateView.as_view(), name="routing-rule-update"),
    path("county/routing/<int:pk>/delete/", views.RoutingRuleDeleteView.as_view(), name="routing-rule-delete"),
    path("county/calendar/", views.CalendarDayListView.as_view(), name="calendar-day-list"),
    path("county/calendar/load/", views.CalendarYearLoadView.as_view(), name="calendar-year-load"),
    path("county/calendar/new/", views.CalendarDayCreateView.as_view(), name="calendar-day-create"),
    path("county/calendar/<int:pk>/delete/", views.CalendarDayDeleteView.as_view(), name="calendar-day-delete"),
]
