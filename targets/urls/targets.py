from django.urls import path

from targets.views import target_profile
from targets.views import targets as views

app_name = "targets"
urlpatterns = [
    path("", views.target_list, name="list"),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/year-start/", views.target_year_start, name="year_start"),
    path("<int:pk>/counterpart/", target_profile.target_counterpart, name="counterpart"),
    path("<int:pk>/profile/adopt/", target_profile.target_adopt_profile, name="adopt_profile"),
    path("<int:pk>/profile/revert/", target_profile.target_revert_profile, name="revert_profile"),
]
