from django.urls import path

from reporting.views import entry as views
from reporting.views import review as views_review

app_name = "reporting"
urlpatterns = [
    path("", views.my_unit, name="my_unit"),
    path("month/<int:month>/", views.open_month, name="open_month"),
    path("review/", views_review.review, name="review"),
    path("review/approve/", views_review.approve, name="approve"),
    path("grid/", views_review.grid, name="grid"),
    path("months/", views_review.months, name="months"),
    path("months/<int:month>/close/", views_review.close_month, name="close_month"),
    path("months/<int:month>/open/", views_review.reopen_month, name="open_reporting_month"),
    path("evidence/<int:pk>/", views.download_evidence, name="evidence"),
    path("evidence/<int:pk>/delete/", views.remove_evidence, name="delete_evidence"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/values/", views.edit_values, name="values"),
    path("<int:pk>/tasks/<int:task_number>/", views.edit_progress, name="progress"),
    path("<int:pk>/tasks/<int:task_number>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views_review.return_report, name="return"),
    path("<int:pk>/reopen/", views_review.reopen, name="reopen"),
    path("<int:pk>/history/", views_review.history, name="history"),
    path("<int:pk>/history/restore/", views_review.restore, name="restore"),
]
