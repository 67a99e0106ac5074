"""Everyone's exit tasks: the to-do list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from alliance.errors import ApplicationError
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.views._common import _refused


@require_GET
def todo(request: OrgRequest, org_slug: str) -> HttpResponse:
    tasks = list(selectors.todo_for(request.member)[:200])
    return render(request, "alumni/todo.html",
                  {"tasks": tasks, "my_exit": selectors.open_exit_of(request.member)})


@require_POST
def task_complete(request: OrgRequest, org_slug: str, task_id: int) -> HttpResponse:
    task = rights.access_task(request.member, task_id)
    try:
        services.exit_task_complete(task=task, by=request.member)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Done: {task.title}.")
    back = request.POST.get("back")
    if back == "exit" and request.member.is_hr:
        return redirect("alumni:exit_detail", org_slug=org_slug, process_id=task.process_id)
    if back == "mine":
        return redirect("alumni:my_exit", org_slug=org_slug)
    return redirect("alumni:todo", org_slug=org_slug)
