"""The till's pages: the counter's (/counter/till/ …) and the back office's (/county/floats/ …)."""

from django.urls import include, path

from agency import views_counter as counter
from agency import views_county as county
from agency import views_offline as offline
from agency import views_payment as payment
from agency import views_statements as statements
from agency import views_till_wallet as till_wallet
from agency import views_transactions as transactions
from agency.wallets import views_simulator as wallet_sim

app_name = "agency"

urlpatterns = [
    # The wallet simulators (404 unless ENABLE_SIMULATORS): WeChat Pay API v3, Alipay's gateway, the pay page
    path("sim/wechatpay/v3/<path:rest>", wallet_sim.WechatApiView.as_view(), name="wechatpay-simulator-api"),
    path("sim/alipay/gateway.do", wallet_sim.AlipayGatewayView.as_view(), name="alipay-simulator-gateway"),
    path("sim/alipay/bill/<str:token>", wallet_sim.AlipayBillView.as_view(), name="alipay-simulator-bill"),
    path("sim/<str:wallet>/pay/<str:token>/", wallet_sim.WalletPayPageView.as_view(),
         name="wallet-simulator-pay"),
    # At the counter
    path("counter/till/", counter.TillView.as_view(), name="till"),
    path("counter/till/pay/", payment.ProductPickView.as_view(), name="product-pick"),
    path("counter/till/pay/<int:product_id>/", payment.PaymentCreateView.as_view(), name="payment-create"),
    path("counter/till/transactions/", transactions.TransactionListView.as_view(), name="transaction-list"),
    path("counter/till/transactions/<int:pk>/", transactions.TransactionDetailView.as_view(),
         name="transaction-detail"),
    path("counter/till/transactions/<int:pk>/resolve/", transactions.TransactionResolveView.as_view(),
         name="transaction-resolve"),
    path("counter/till/transactions/<int:pk>/reverse/", transactions.TransactionReverseView.as_view(),
         name="transaction-reverse"),
    path("counter/till/transactions/<int:pk>/receipt/", transactions.ReceiptPrintView.as_view(),
         name="receipt-print"),
    path("counter/till/transactions/<int:pk>/receipt/<int:copy>/", transactions.ReceiptView.as_view(),
         name="receipt"),
    path("counter/till/transactions/<int:pk>/receipt/<int:copy>.pdf", transactions.ReceiptPdfView.as_view(),
         name="receipt-pdf"),
    path("counter/till/wallet/<int:pk>/", till_wallet.TillWalletPageView.as_view(), name="till-wallet"),
    path("counter/till/wallet/<int:pk>/check/", till_wallet.TillWalletCheckView.as_view(),
         name="till-wallet-check"),
    path("counter/till/wallet/<int:pk>/cancel/", till_wallet.TillWalletCancelView.as_view(),
         name="till-wallet-cancel"),
    path("counter/till/wallet/<int:pk>/done/", till_wallet.TillWalletDoneView.as_view(),
         name="till-wallet-done"),
    path("till/wallet/<str:wallet>/notify/", till_wallet.TillWalletNotifyView.as_view(),
         name="till-wallet-notify"),
    path("counter/till/floats/", counter.FloatTopUpCreateView.as_view(), name="counter-floats"),
    path("counter/till/close/", counter.CashCloseView.as_view(), name="counter-close"),
    path("counter/till/statements/", statements.CounterStatementListView.as_view(),
         name="counter-statements"),
    path("counter/till/statements/<int:pk>/", statements.CounterStatementDetailView.as_view(),
         name="counter-statement-detail"),
    # The offline counter (agency/views_offline.py)
    path("counter/sw.js", offline.OfflineServiceWorkerView.as_view(), name="offline-service-worker"),
    path("counter/manifest.webmanifest", offline.OfflineManifestView.as_view(), name="offline-manifest"),
    path("counter/offline/", offline.OfflineDeskView.as_view(), name="offline-desk"),
    path("counter/offline/conflicts/", offline.OfflineConflictsView.as_view(), name="offline-conflicts"),
    path("counter/offline/receipt/", offline.OfflineReceiptView.as_view(), name="offline-receipt"),
    path("counter/offline/till-products.json", offline.OfflineTillProductsView.as_view(),
         name="offline-till-products"),
    path("counter/offline/sync/", offline.OfflineSyncView.as_view(), name="offline-sync"),
    path("counter/offline/discard/", offline.OfflineDiscardView.as_view(), name="offline-discard"),
    # Back office
    path("county/till-setup/", include("agency.urls_setup")),
    path("county/floats/", county.FloatAdminView.as_view(), name="county-floats"),
    path("county/floats/top-ups/<int:pk>/decide/", county.TopUpDecideView.as_view(), name="top-up-decide"),
    path("county/floats/wallets/<int:pk>/threshold/", county.WalletThresholdView.as_view(),
         name="wallet-threshold"),
    path("county/closes/", county.CloseAdminView.as_view(), name="county-closes"),
    path("county/closes/<int:pk>/decide/", county.CloseDecideView.as_view(), name="close-decide"),
    path("county/statements/", statements.StatementAdminListView.as_view(), name="county-statements"),
    path("county/statements/export.csv", statements.StatementMonthCsvView.as_view(),
         name="statement-month-csv"),
    path("county/statements/generate/", statements.StatementGenerateView.as_view(),
         name="statement-generate"),
    path("county/statements/<int:pk>/", statements.StatementDetailView.as_view(),
         name="county-statement-detail"),
    path("county/statements/<int:pk>/approve/", statements.StatementApproveView.as_view(),
         name="statement-approve"),
    path("county/statements/<int:pk>/pay/", statements.StatementPayView.as_view(), name="statement-pay"),
    # A statement's files: the admins' (any statement in their region) and the operator's (their station's)
    path("county/statements/<int:pk>/statement.csv", statements.StatementCsvView.as_view(),
         name="statement-csv"),
    path("county/statements/<int:pk>/statement.pdf", statements.StatementPdfView.as_view(),
         name="statement-pdf"),
    path("counter/till/statements/<int:pk>/statement.csv", statements.CounterStatementCsvView.as_view(),
         name="counter-statement-csv"),
    path("counter/till/statements/<int:pk>/statement.pdf", statements.CounterStatementPdfView.as_view(),
         name="counter-statement-pdf"),
]
