from django.urls import path

from accounts import views, views_signup

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("workspace/", views.LandingView.as_view(), name="landing"),
    path("signup/", views_signup.SignupView.as_view(), name="signup"),
    path("signup/verify/", views_signup.SignupVerifyView.as_view(), name="signup-verify"),
    path("password/reset/", views_signup.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/verify/", views_signup.PasswordResetVerifyView.as_view(), name="password-reset-verify"),
]
