"""Supervision screens (cards, escalations, assessment, settings). Included from gov_services/urls.py at
the site root inside the gov_services namespace, so the paths are written out in full."""

from django.urls import path

from gov_services.supervision import views
from gov_services.supervision.views_officers import OfficerAssessmentView

urlpatterns = [
    path("county/supervision/", views.SupervisionBoardView.as_view(), name="supervision-board"),
    path("county/supervision/requests/", views.SupervisionRequestListView.as_view(),
         name="supervision-request-list"),
    path("county/supervision/escalations/", views.EscalationListView.as_view(), name="escalation-list"),
    path("county/supervision/escalations/<int:pk>/", views.EscalationDetailView.as_view(),
         name="escalation-detail"),
    path("county/supervision/follow-ups/", views.FollowUpListView.as_view(), name="follow-up-list"),
    path("county/supervision/follow-ups/<int:pk>/", views.FollowUpDetailView.as_view(), name="follow-up-detail"),
    path("county/supervision/follow-ups/<int:pk>/appeal/", views.FollowUpAppealDecideView.as_view(),
         name="follow-up-appeal-decide"),
    path("county/supervision/assessment/", views.DepartmentAssessmentView.as_view(),
         name="department-assessment"),
    path("assessment/officers/", OfficerAssessmentView.as_view(), name="officer-assessment"),
    path("county/supervision/settings/", views.SupervisionSettingsView.as_view(), name="supervision-settings"),
    path("county/supervision/steps/new/", views.EscalationStepCreateView.as_view(), name="escalation-step-create"),
    path("county/supervision/steps/<int:pk>/edit/", views.EscalationStepUpdateView.as_view(),
         name="escalation-step-update"),
]
