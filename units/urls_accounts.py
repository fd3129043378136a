from django.contrib.auth import views as auth_views
from django.urls import path

from units import views_accounts as views
from units.forms import LoginForm
from units import views_audit

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django 5)
    path("password/", views.password_change, name="password_change"),
    path("home/", views.home, name="home"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("manage/", views.manage, name="account_manage"),
    path("manage/new/", views.account_create, name="account_create"),
    path("manage/<int:pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("manage/<int:pk>/activate/", views.account_activate, name="account_activate"),
    path("manage/<int:pk>/reset-password/", views.account_reset_password, name="account_reset_password"),
    path("audit/", views_audit.audit_log, name="audit_log"),
]
