from django.urls import path

from targets.views import overview as views

urlpatterns = [
    path("", views.overview, name="overview"),
]
