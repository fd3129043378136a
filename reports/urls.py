from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("quarterly/<int:year>Q<int:quarter>.xlsx", views.quarterly, name="quarterly"),
    path("notices/weekly/<str:week>.docx", views.weekly_notice, name="weekly_notice"),
    path("notices/quarterly/<int:year>Q<int:quarter>.docx", views.quarterly_notice, name="quarterly_notice"),
    path("template/", views.template_download, name="template"),
    path("upload/", views.upload, name="upload"),
    path("upload/confirm/", views.upload_confirm, name="upload_confirm"),
]
