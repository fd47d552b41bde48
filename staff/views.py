"""The staff dashboard (/staff/): per role, what that person has to do next.

It sits above the domain apps because it reads all three, each through its own selectors:
the registry's panel (recent inspections, findings waiting for a batch), the cases due soon,
and the publicity, rectification and submissions panels.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.calendar import calendar_status
from core.pages import is_staff_member, staff_view
from publicity import selectors as publicity_selectors
from publicity.submissions import selectors as submission_selectors
from rectification import selectors as rectification_selectors
from registry.permissions import user_jurisdiction
from registry.selectors import findings_awaiting_batch, recent_inspections
from staff import panels

DUE_SOON_DAYS = 7
PANEL_ROWS = 10


class StaffLoginView(LoginView):
    """The staff login (/staff/login/): a safe ``next`` wins (LoginView checks its host);
    otherwise staff land on their dashboard. Someone who signs in without any staff rights
    goes to the home page rather than to a dashboard that would refuse them."""

    template_name = "registration/login.html"

    def get_default_redirect_url(self) -> str:
        if is_staff_member(self.request.user):
            return reverse("staff-dashboard")
        return reverse("home")


@require_safe
@staff_view()
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    """Each panel is there for whoever holds the permission of the work it lists."""
    user = cast(User, request.user)  # staff_view() let only logged-in staff through
    today = timezone.localdate()
    files_inspections = user.has_perms(["registry.add_inspection", "registry.add_finding"])
    context: dict[str, object] = {
        "jurisdiction": user_jurisdiction(user),
        "files_inspections": files_inspections,
        "today": today,
        "due_days": DUE_SOON_DAYS,
        # Which years' holidays the calendar knows: deadlines in any other year count weekends
        # only, and the dashboard says so before it matters.
        "calendar": calendar_status(today=today),
    }
    if files_inspections:
        awaiting, awaiting_count = findings_awaiting_batch(user=user, limit=PANEL_ROWS)
        context["recent_inspections"] = recent_inspections(user=user, limit=PANEL_ROWS)
        context["awaiting"] = awaiting
        context["awaiting_count"] = awaiting_count
    # Cases due soon, for whoever acts on deadlines across the area: re-inspection,
    # extension, supervision.
    if user.has_perm("rectification.view_case") and any(
        user.has_perm(f"rectification.{perm}")
        for perm in ("reinspect_case", "extend_case_deadline", "supervise_case")
    ):
        due, due_count = rectification_selectors.cases_due_soon(
            user=user, today=today, days=DUE_SOON_DAYS, limit=PANEL_ROWS
        )
        context["cases_due"] = due
        context["cases_due_count"] = due_count
    # The other apps' count panels, each from its own selector, for the roles that see that
    # app, in the one panel shape (staff/panels.py).
    count_panels = []
    if user.has_perm("publicity.view_batch"):
        count_panels.append(panels.publicity_panel(publicity_selectors.dashboard_panel(user=user)))
    if user.has_perm("rectification.view_case"):
        count_panels.append(
            panels.rectification_panel(rectification_selectors.dashboard_panel(user=user))
        )
        # Reminders no liaison and no responsible person received: a contact is missing.
        undeliverable = panels.undeliverable_panel(
            *rectification_selectors.undeliverable_reminders(user=user, limit=PANEL_ROWS)
        )
        if undeliverable:
            count_panels.append(undeliverable)
    if submissions := panels.submission_panel(submission_selectors.dashboard_panel(user=user)):
        count_panels.append(submissions)
    context["count_panels"] = count_panels
    # A province's staff: each city's figures side by side.
    context["authorities_overview"] = publicity_selectors.authorities_overview(
        user=user, today=today
    )
    return render(request, "staff/dashboard.html", context)
