from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from units.access import require_role


@login_required
def my_unit(request):
    require_role(request.user)
    return render(request, "targets/overview.html", {})
