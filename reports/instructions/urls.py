from django.urls import path

from reports.instructions import views

app_name = "instructions"
urlpatterns = [
    path("", views.instruction_list, name="list"),
    path("new/", views.instruction_new, name="new"),
    path("<int:pk>/", views.instruction_detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/close/", views.close, name="close"),
]
