"""The staff dashboard (/staff/): per role, what that person has to do next.

It sits above the domain apps because it reads all three, each through its own selectors:
the registry's panel (recent inspections, findings waiting for a batch), the cases due soon,
and the publicity, rectification and submissions panels.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import roles
from publicity import selectors as publicity_selectors
from publicity.public import selectors as public_selectors
from rectification import selectors as rectification_selectors
from registry.permissions import staff_required, user_jurisdiction, user_roles
from registry.selectors import findings_awaiting_batch, recent_inspections

DUE_SOON_DAYS = 7
PANEL_ROWS = 10


@require_safe
@staff_required()
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # staff_required() let only logged-in staff through
    held = user_roles(user)
    today = timezone.localdate()
    context: dict[str, object] = {
        "roles": held,
        "jurisdiction": user_jurisdiction(user),
        "is_inspector": roles.INSPECTOR in held,
        "today": today,
        "due_days": DUE_SOON_DAYS,
    }
    if roles.INSPECTOR in held:
        awaiting, awaiting_count = findings_awaiting_batch(user=user, limit=PANEL_ROWS)
        context["recent_inspections"] = recent_inspections(user=user, limit=PANEL_ROWS)
        context["awaiting"] = awaiting
        context["awaiting_count"] = awaiting_count
    if held & {roles.INSPECTOR, roles.OFFICIAL, roles.SUPERVISOR} and user.has_perm(
        "rectification.view_case"
    ):
        due, due_count = rectification_selectors.cases_due_soon(
            user=user, today=today, days=DUE_SOON_DAYS, limit=PANEL_ROWS
        )
        context["cases_due"] = due
        context["cases_due_count"] = due_count
    # The other apps' panels, each from its own selector, for the roles that see that app.
    if user.has_perm("publicity.view_batch"):
        context["publicity_panel"] = publicity_selectors.dashboard_panel(user=user)
    if user.has_perm("rectification.view_case"):
        context["rectification_panel"] = rectification_selectors.dashboard_panel(user=user)
    context["submission_panel"] = public_selectors.dashboard_panel(user=user)
    return render(request, "staff/dashboard.html", context)
