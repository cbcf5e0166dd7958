from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import projects_for


@login_required
def project_list(request):
    return render(request, "partnerships/project_list.html", {"projects": projects_for(request.user)})
