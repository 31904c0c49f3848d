"""URL configuration: the workspace (Wagtail admin), the API, and the public site per language."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from brussels_international.core.document_views import download_view as document_download_view
from brussels_international.core.feeds import calendar_feed
from brussels_international.directory.api import api
from brussels_international.newsletter import urls as newsletter_urls
from brussels_international.screening.api import api as screening_api
from brussels_international.website import views as website_views

urlpatterns = [
    # Before the workspace's URLs, whose never_cache would rewrite this download's Cache-Control.
    path("admin/dossier-documents/<int:pk>/download/", document_download_view, name="core_document_download"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("api/screening/v1/", screening_api.urls),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("newsletter/webhooks/", include(newsletter_urls.webhook_urlpatterns)),
    path("healthz", website_views.healthz, name="healthz"),
    path("robots.txt", website_views.robots_txt, name="robots_txt"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("portal/", include("brussels_international.permits.portal_urls")),
    path("newsletter/", include("brussels_international.newsletter.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "brussels_international.website.views.page_not_found"
handler500 = "brussels_international.website.views.server_error"
