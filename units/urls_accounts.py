from django.contrib.auth import views as auth_views
from django.urls import path

from units import views_accounts as views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("home/", views.home, name="home"),
]
