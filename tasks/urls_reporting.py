from django.urls import path

from tasks import views_reporting as views

app_name = "reporting"
urlpatterns = [
    path("", views.my_unit, name="my_unit"),
    path("month/<int:month>/", views.open_month, name="open_month"),
    path("review/", views.review, name="review"),
    path("review/approve/", views.approve, name="approve"),
    path("grid/", views.grid, name="grid"),
    path("months/", views.months, name="months"),
    path("months/<int:month>/close/", views.close_month, name="close_month"),
    path("months/<int:month>/open/", views.reopen_month, name="open_reporting_month"),
    path("evidence/<int:pk>/", views.download_evidence, name="evidence"),
    path("evidence/<int:pk>/delete/", views.remove_evidence, name="delete_evidence"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/values/", views.edit_values, name="values"),
    path("<int:pk>/tasks/<int:task_number>/", views.edit_progress, name="progress"),
    path("<int:pk>/tasks/<int:task_number>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_report, name="return"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/restore/", views.restore, name="restore"),
]
