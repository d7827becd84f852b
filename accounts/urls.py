from django.urls import path

from accounts import views, views_data_requests, views_ops, views_signup, views_two_factor

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("two-factor/", views_two_factor.TwoFactorHomeView.as_view(), name="two-factor"),
    path("two-factor/setup/", views_two_factor.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/verify/", views_two_factor.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("workspace/", views.LandingView.as_view(), name="landing"),
    path("signup/", views_signup.SignupView.as_view(), name="signup"),
    path("signup/verify/", views_signup.SignupVerifyView.as_view(), name="signup-verify"),
    path("password/reset/", views_signup.PasswordResetView.as_view(), name="password-reset"),
    # The administrators' workspace (accounts/views_ops.py).
    path("ops/", views_ops.OpsHomeView.as_view(), name="ops-home"),
    path("ops/audit/", views_ops.AuditEventListView.as_view(), name="ops-audit"),
    path("ops/personal-data/", views_ops.PersonalDataInventoryView.as_view(), name="ops-personal-data"),
    path("ops/personal-data/access/", views_ops.PersonalDataAccessListView.as_view(), name="ops-personal-data-access"),
    path("ops/data-requests/", views_data_requests.DataRequestQueueView.as_view(), name="ops-data-requests"),
    path("ops/data-requests/<int:pk>/", views_data_requests.DataRequestAnswerView.as_view(), name="ops-data-request"),
    # A resident's own personal data: what is held, a copy, correction and deletion requests.
    path("me/data/", views_data_requests.MyDataView.as_view(), name="my-data"),
    path("me/data/export/", views_data_requests.MyDataExportView.as_view(), name="my-data-export"),
    path("ops/admins/", views_ops.AdminRoleListView.as_view(), name="ops-admins"),
    path("password/reset/verify/", views_signup.PasswordResetVerifyView.as_view(), name="password-reset-verify"),
]
