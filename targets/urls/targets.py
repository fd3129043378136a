from django.urls import path

from targets.views import targets as views

app_name = "targets"
urlpatterns = [
    path("", views.target_list, name="list"),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/year-start/", views.target_year_start, name="year_start"),
]
