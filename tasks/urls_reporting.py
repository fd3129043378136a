from django.urls import path

from tasks import views_reporting as views

app_name = "reporting"
urlpatterns = [
    path("", views.my_unit, name="my_unit"),
]
