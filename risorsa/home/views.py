from django.shortcuts import render

from risorsa.home.guide import guide_for
from risorsa.home.selectors import dashboard_for
from risorsa.organizations.access import membership_required


@membership_required
def dashboard(request):
    return render(request, "home/dashboard.html", dashboard_for(membership=request.membership))


@membership_required
def guide(request):
    return render(request, "home/guide.html", guide_for(membership=request.membership))
