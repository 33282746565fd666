from django.contrib.auth import views as auth_views
from django.urls import path

from risorsa.organizations import views

# Django's auth URLs, with our login (second factor) and password reset (rate-limited).
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/codice/", views.login_token, name="login-token"),
    path("verifica-in-due-passaggi/", views.second_factor_enroll, name="second-factor-enroll"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
