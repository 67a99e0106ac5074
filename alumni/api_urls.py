from __future__ import annotations

from django.urls import path

from alumni import apis

urlpatterns = [
    path("exits/", apis.ExitListApi.as_view(), name="api_exit_list"),
    path("exits/<int:pk>/", apis.ExitDetailApi.as_view(), name="api_exit_detail"),
    path("exits/<int:pk>/cancel/", apis.ExitCancelApi.as_view(), name="api_exit_cancel"),
    path("exit-tasks/", apis.ExitTaskListApi.as_view(), name="api_exit_task_list"),
    path("exit-tasks/<int:pk>/complete/", apis.ExitTaskCompleteApi.as_view(), name="api_exit_task_complete"),
]
