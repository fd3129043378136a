from django.urls import path

from reports.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("rules/", views.rules_edit, name="rules"),
    path("<slug:code>/", views.unit_detail, name="unit"),
]
