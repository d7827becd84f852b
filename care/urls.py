from django.urls import path

from care import views_counter, views_desk, views_money, views_registry, views_responder, views_staff

app_name = "care"

urlpatterns = [
    path("care/", views_desk.DeskView.as_view(), name="desk"),
    path("care/calls/", views_desk.CallListView.as_view(), name="call-list"),
    path("care/map/", views_desk.CareMapView.as_view(), name="call-map"),
    path("care/residents/<int:pk>/calls/new/", views_desk.CallCreateView.as_view(), name="call-create"),
    path("care/calls/<int:pk>/", views_desk.CallDetailView.as_view(), name="call-detail"),
    path("care/calls/<int:pk>/dispatch/", views_desk.CallActionView.as_view(action="dispatch"),
         name="call-dispatch"),
    path("care/calls/<int:pk>/confirm/", views_desk.CallActionView.as_view(action="confirm"), name="call-confirm"),
    path("care/calls/<int:pk>/cancel/", views_desk.CallActionView.as_view(action="cancel"), name="call-cancel"),
    path("care/checkins/<int:pk>/done/", views_desk.CheckInRecordView.as_view(), name="checkin-record"),
    path("care/alerts/<int:pk>/resolve/", views_desk.AlertResolveView.as_view(), name="alert-resolve"),
    path("care/residents/", views_registry.ResidentListView.as_view(), name="resident-list"),
    path("care/residents/new/", views_registry.ResidentFormView.as_view(), name="resident-create"),
    path("care/residents/<int:pk>/", views_registry.ResidentDetailView.as_view(), name="resident-detail"),
    path("care/residents/<int:pk>/edit/", views_registry.ResidentFormView.as_view(), name="resident-update"),
    path("care/responders/", views_registry.ResponderListView.as_view(), name="responder-list"),
    path("care/responders/new/", views_registry.ResponderFormView.as_view(), name="responder-create"),
    path("care/responders/<int:pk>/", views_registry.ResponderDetailView.as_view(), name="responder-detail"),
    path("care/responders/<int:pk>/edit/", views_registry.ResponderFormView.as_view(), name="responder-update"),
    path("care/desks/", views_staff.DeskStaffView.as_view(), name="desk-staff"),
    path("care/desks/<int:pk>/end/", views_staff.DeskEndView.as_view(), name="desk-end"),
    path("care/settlements/", views_money.SettlementListView.as_view(), name="settlement-list"),
    path("care/settlements/<int:pk>/", views_money.SettlementDetailView.as_view(), name="settlement-detail"),
    path("counter/care/", views_counter.CounterCareView.as_view(), name="counter-care"),
    path("counter/care/residents/<int:pk>/call/", views_counter.CounterCallCreateView.as_view(),
         name="counter-call-create"),
    path("counter/care/calls/<int:pk>/", views_counter.CounterCallDetailView.as_view(), name="counter-call-detail"),
    path("care/r/<str:token>/", views_responder.ResponderOfferView.as_view(), name="responder-offer"),
    path("care/help/<str:token>/", views_responder.ResidentHelpView.as_view(), name="resident-help"),
    path("care/residents/<int:pk>/help-button/", views_registry.HelpButtonGiveView.as_view(), name="help-button-give"),
    path("care/rate/<str:token>/", views_responder.ResidentRateView.as_view(), name="resident-rate"),
]
