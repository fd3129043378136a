from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from units.access import require_role


@login_required
def overview(request):
    require_role(request.user)
    return render(request, "targets/overview.html", {})


@login_required
def target_list(request):
    require_role(request.user)
    return render(request, "targets/overview.html", {})


@login_required
def target_detail(request, pk):
    require_role(request.user)
    return render(request, "targets/overview.html", {})
