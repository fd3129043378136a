from django.urls import path

from reporting.views import entry, evidence, review, suspect

app_name = "reporting"
urlpatterns = [
    path("", entry.my_unit, name="my_unit"),
    path("month/<int:month>/", entry.open_month, name="open_month"),
    path("review/", review.review, name="review"),
    path("review/approve/", review.approve, name="approve"),
    path("grid/", review.grid, name="grid"),
    path("suspect/", suspect.suspect_list, name="suspect"),
    path("months/", review.months, name="months"),
    path("months/<int:month>/close/", review.close_month, name="close_month"),
    path("months/<int:month>/open/", review.reopen_month, name="open_reporting_month"),
    path("evidence/<int:pk>/", evidence.download_evidence, name="evidence"),
    path("evidence/<int:pk>/delete/", evidence.remove_evidence, name="delete_evidence"),
    path("<int:pk>/", entry.report_detail, name="report"),
    path("<int:pk>/values/", entry.edit_values, name="values"),
    path("<int:pk>/tasks/<int:task_number>/", entry.edit_progress, name="progress"),
    path("<int:pk>/tasks/<int:task_number>/evidence/", evidence.upload_evidence, name="upload_evidence"),
    path("<int:pk>/submit/", entry.submit, name="submit"),
    path("<int:pk>/return/", review.return_report, name="return"),
    path("<int:pk>/reopen/", review.reopen, name="reopen"),
    path("<int:pk>/history/", review.history, name="history"),
    path("<int:pk>/history/restore/", review.restore, name="restore"),
]
