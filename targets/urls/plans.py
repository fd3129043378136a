"""URLs of the plan authoring pages (bureau staff), under /plans/."""
from django.urls import path

from targets.views import breakdown, plan_import, plan_parts
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
    path("<slug:plan_code>/sections/new/", plan_parts.section_add, name="section_add"),
    path("<slug:plan_code>/sections/<slug:section_kind>/<int:number>/", plan_parts.section_edit, name="section"),
    path("<slug:plan_code>/sections/<slug:section_kind>/<int:number>/delete/", plan_parts.section_delete,
         name="section_delete"),
    path("<slug:plan_code>/tasks/new/", plan_parts.task_add, name="task_add"),
    path("<slug:plan_code>/tasks/<int:number>/", views.task_edit, name="task"),
    path("<slug:plan_code>/tasks/<int:number>/delete/", plan_parts.task_delete, name="task_delete"),
    # Before <target_code>/: a target cannot be coded "new" (targets.plan_forms.RESERVED_CODES).
    path("<slug:plan_code>/targets/new/", plan_parts.target_add, name="target_add"),
    path("<slug:plan_code>/targets/<str:target_code>/", views.target_edit, name="target"),
    path("<slug:plan_code>/targets/<str:target_code>/delete/", plan_parts.target_delete, name="target_delete"),
    path("<slug:plan_code>/targets/<str:target_code>/breakdown/", breakdown.target_breakdown, name="breakdown"),
]
