from django.urls import path

from targets.views import tasks as views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:number>/", views.task_detail, name="detail"),
]
