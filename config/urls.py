from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import health
from core import views as core_views
from public import views as public_views
from rectification import urls as rectification_urls
from staff import otp as staff_otp
from staff import password as staff_password
from staff import views as staff_views

urlpatterns = [
    path("", public_views.home, name="home"),
    path("", include("public.urls")),
    path("", include("publicity.submissions.urls")),
    path("i18n/setlang/", core_views.language_switch, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("staff/login/", staff_views.StaffLoginView.as_view(), name="staff-login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    path("staff/otp/verify/", staff_otp.otp_verify, name="staff-otp-verify"),
    path("staff/otp/enrol/", staff_otp.otp_enrol, name="staff-otp-enrol"),
    path("staff/password/", staff_password.password_change, name="staff-password-change"),
    path("staff/", staff_views.staff_dashboard, name="staff-dashboard"),
    path("staff/", include("registry.urls")),
    path("admin/", admin.site.urls),
    path("staff/cases/", include("rectification.urls")),
    path("staff/batches/", include("publicity.urls")),
    path("unit/", include(rectification_urls.unit_patterns)),
]

# Error pages in the site's layout and language (templates/404.html, 403.html; the 500 and
# 400 pages are rendered without the database, core.views).
handler400 = core_views.bad_request
handler500 = core_views.server_error
