from django.urls import path

from targets.views import units as views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("months/", views.unit_months, name="months"),  # before the codes: no unit is coded "months"
    path("<slug:code>/", views.unit_detail, name="detail"),
]
