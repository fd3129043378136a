"""URLs of the plan authoring pages (bureau staff), under /plans/."""
from django.urls import path

from targets.views import breakdown, plan_import
from targets.views import plans as views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("copy/", views.plan_copy, name="copy"),
    path("import/", plan_import.plan_import, name="import"),
    path("import/template.xlsx", plan_import.import_template, name="import_template"),
    path("import/confirm/", plan_import.plan_import_confirm, name="import_confirm"),
    path("<slug:plan_code>/", views.plan_detail, name="detail"),
    path("<slug:plan_code>/edit/", views.plan_edit, name="edit"),
    path("<slug:plan_code>/publish/", views.plan_publish, name="publish"),
    path("<slug:plan_code>/tasks/<int:number>/", views.task_edit, name="task"),
    path("<slug:plan_code>/targets/<str:target_code>/", views.target_edit, name="target"),
    path("<slug:plan_code>/targets/<str:target_code>/breakdown/", breakdown.target_breakdown, name="breakdown"),
]
