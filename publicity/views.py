"""Public pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from publicity.selectors import site_counts


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "publicity/home.html", {"counts": site_counts()})
