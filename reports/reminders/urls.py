from django.urls import path

from reports.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("preview/", views.reminder_preview, name="preview"),
    path("send/", views.reminder_send, name="send"),
    path("<int:pk>/resend/", views.reminder_resend, name="resend"),
]
