from django.contrib.auth import views as auth_views
from django.urls import path

from units.forms import LoginForm
from units.views import accounts, audit, own_account

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django 5)
    path("password/", own_account.password_change, name="password_change"),
    path("home/", own_account.home, name="home"),
    path("otp/setup/", own_account.otp_setup, name="otp_setup"),
    path("otp/verify/", own_account.otp_verify, name="otp_verify"),
    path("manage/", accounts.manage, name="account_manage"),
    path("manage/new/", accounts.account_create, name="account_create"),
    path("manage/<int:pk>/deactivate/", accounts.account_deactivate, name="account_deactivate"),
    path("manage/<int:pk>/activate/", accounts.account_activate, name="account_activate"),
    path("manage/<int:pk>/reset-password/", accounts.account_reset_password, name="account_reset_password"),
    path("manage/<int:pk>/otp-code/", accounts.account_otp_code, name="account_otp_code"),
    path("audit/", audit.audit_log, name="audit_log"),
]
