"""Certificate pages. Included at the site root inside the gov_services namespace, so the
paths are written in full and the names are gov_services:<name>."""

from django.urls import path, re_path

from gov_services.certificates import views_issue as issue_views
from gov_services.certificates import views_official_keys as official_views
from gov_services.certificates import views_setup as setup_views
from gov_services.certificates import views_tsa_simulator as tsa_views
from gov_services.certificates import views_verify as verify_views
from gov_services.certificates import views_wallet as wallet_views
from gov_services.certificates.views_offline_verifier import OfflineVerifierView

urlpatterns = [
    # County set-up
    path("county/certificates/templates/", setup_views.CertificateTypeListView.as_view(),
         name="certificate-type-list"),
    path("county/certificates/templates/<int:item_id>/", setup_views.CertificateTypeEditView.as_view(),
         name="certificate-type-edit"),
    path("county/certificates/departments/<int:pk>/", setup_views.DepartmentCertificateSetupView.as_view(),
         name="certificate-department"),
    path("county/certificates/departments/<int:pk>/seal/", setup_views.DepartmentSealImageView.as_view(),
         name="certificate-department-seal"),
    path("county/certificates/departments/<int:pk>/rotate-key/", setup_views.SigningKeyRotateView.as_view(),
         name="certificate-key-rotate"),
    # Officials' keys and personal seals (the department head, or the county's admins)
    path("certificates/officials/", official_views.OfficialKeysDepartmentListView.as_view(),
         name="official-key-departments"),
    path("certificates/officials/<int:pk>/", official_views.OfficialKeysView.as_view(), name="official-keys"),
    path("certificates/officials/<int:pk>/<int:user_id>/issue/", official_views.OfficialKeyIssueView.as_view(),
         name="official-key-issue"),
    path("certificates/officials/<int:pk>/<int:user_id>/import/", official_views.OfficialKeyImportView.as_view(),
         name="official-key-import"),
    path("certificates/officials/<int:pk>/<int:user_id>/seal/", official_views.OfficialSealView.as_view(),
         name="official-seal"),
    path("certificates/officials/<int:pk>/keys/<int:key_pk>/revoke/", official_views.OfficialKeyRevokeView.as_view(),
         name="official-key-revoke"),
    # Department and station
    path("dept/requests/<int:pk>/certificate/", issue_views.CertificateIssueView.as_view(), name="certificate-issue"),
    path("certificates/<int:pk>/", issue_views.CertificateDetailView.as_view(), name="certificate-detail"),
    path("certificates/<int:pk>/pdf/", issue_views.CertificatePdfView.as_view(), name="certificate-pdf"),
    path("certificates/<int:pk>/revoke/", issue_views.CertificateRevokeView.as_view(), name="certificate-revoke"),
    path("certificates/<int:pk>/mail/", issue_views.CertificateMailView.as_view(), name="certificate-mail"),
    path("certificates/<int:pk>/delivery/", issue_views.CertificateDeliveryView.as_view(),
         name="certificate-delivery"),
    path("certificates/<int:pk>/print/", issue_views.CertificatePrintView.as_view(), name="certificate-print"),
    path("certificates/<int:pk>/retry-pdf/", issue_views.CertificateRenderRetryView.as_view(),
         name="certificate-render-retry"),
    path("counter/certificates/", issue_views.StationCertificateListView.as_view(), name="certificate-station-list"),
    # The resident's wallet
    path("me/certificates/", wallet_views.WalletView.as_view(), name="certificate-wallet"),
    path("me/certificates/<int:pk>/attach/", wallet_views.WalletAttachView.as_view(),
         name="certificate-wallet-attach"),
    # Public verification (no sign-in); the fixed names come before the catch-all token path
    path("verify/", verify_views.VerifyView.as_view(), name="certificate-verify"),
    path("verify/keys.json", verify_views.PublicKeysView.as_view(), name="certificate-public-keys"),
    path("verify/revocations.json", verify_views.RevocationListView.as_view(), name="certificate-revocations"),
    path("verify/offline/", OfflineVerifierView.as_view(), name="certificate-offline-verifier"),
    path("verify/format/", verify_views.CertificateTokenDocView.as_view(), name="certificate-token-format"),
    path("verify/ca/<int:signer_id>.crl", verify_views.CountyCrlView.as_view(), name="certificate-ca-crl"),
    # The demo's RFC 3161 time-stamping authority (404 unless ENABLE_SIMULATORS)
    path("sim/tsa/", tsa_views.TimestampView.as_view(), name="tsa-simulator"),
    path("sim/tsa/root.crt", tsa_views.RootCertificateView.as_view(), name="tsa-simulator-root"),
    path("sim/tsa/crl", tsa_views.RevocationListView.as_view(), name="tsa-simulator-crl"),
    re_path(r"^verify/(?P<token>[^/]{1,600})/?$", verify_views.VerifyTokenView.as_view(),
         name="certificate-verify-token"),
]
