from django.conf import settings
from django.urls import path

from shop import (
    views_catalogue,
    views_counter,
    views_delivery_fees,
    views_merchants,
    views_orders,
    views_payments,
    views_statements,
    views_store,
)

app_name = "shop"

urlpatterns = [
    path("merchants/apply/", views_merchants.MerchantApplyView.as_view(), name="merchant-apply"),
    path("merchants/apply/<str:reference>/done/", views_merchants.MerchantApplyDoneView.as_view(),
         name="merchant-apply-done"),
    path("county/merchants/", views_merchants.CountyMerchantListView.as_view(), name="county-merchant-list"),
    path("county/merchants/statements/", views_statements.CountyMerchantStatementListView.as_view(),
         name="county-merchant-statements"),
    path("merchant/statements/", views_statements.MerchantStatementListView.as_view(), name="merchant-statements"),
    path("county/merchants/<int:pk>/", views_merchants.CountyMerchantDetailView.as_view(),
         name="county-merchant-detail"),
    path("county/merchants/<int:pk>/suspend/", views_merchants.MerchantSuspendView.as_view(),
         name="county-merchant-suspend"),
    path("county/merchants/<int:pk>/reinstate/", views_merchants.MerchantReinstateView.as_view(),
         name="county-merchant-reinstate"),
    path("county/merchants/<int:pk>/revet/", views_merchants.MerchantRevetView.as_view(),
         name="county-merchant-revet"),
    path("county/merchants/applications/<int:pk>/", views_merchants.CountyApplicationDetailView.as_view(),
         name="county-application-detail"),
    path("county/merchants/applications/<int:pk>/licence/", views_merchants.ApplicationLicenceView.as_view(),
         name="county-application-licence"),
    path("county/merchants/applications/<int:pk>/approve/", views_merchants.ApplicationApproveView.as_view(),
         name="county-application-approve"),
    path("county/merchants/applications/<int:pk>/reject/", views_merchants.ApplicationRejectView.as_view(),
         name="county-application-reject"),
    path("county/shop/delivery-fees/", views_delivery_fees.CountyDeliveryFeeListView.as_view(),
         name="county-delivery-fees"),
    path("county/shop/delivery-fees/<int:township_id>/", views_delivery_fees.CountyDeliveryFeeEditView.as_view(),
         name="county-delivery-fee-edit"),
    path("merchant/products/import/", views_catalogue.MerchantProductImportView.as_view(),
         name="merchant-product-import"),
    path("merchant/products/import/jobs/<int:pk>/", views_catalogue.MerchantImportJobStatusView.as_view(),
         name="merchant-product-import-job"),
    path("merchant/parts/<int:pk>/move/", views_orders.MerchantPartMoveView.as_view(), name="merchant-part-move"),
    path("counter/sales/new/", views_counter.CounterSaleCreateView.as_view(), name="counter-sale-create"),
    path("counter/sales/<int:pk>/receipt/", views_counter.CounterSaleReceiptView.as_view(),
         name="counter-sale-receipt"),
    path("counter/parcels/", views_orders.CounterParcelListView.as_view(), name="counter-parcels"),
    path("counter/parcels/<int:pk>/move/", views_orders.CounterParcelMoveView.as_view(), name="counter-parcel-move"),
    path("counter/parcels/<int:pk>/hand-over/", views_orders.CounterParcelHandOverView.as_view(),
         name="counter-parcel-hand-over"),
    path("counter/parcels/<int:pk>/resend-code/", views_orders.CounterParcelCodeResendView.as_view(),
         name="counter-parcel-resend-code"),
    # Under the store's prefix but not Oscar's: Oscar's URL patterns under shop/ do not match these.
    path("shop/my-station/", views_store.StationChooseView.as_view(), name="station-choose"),
    path("shop/orders/<str:number>/pay/", views_payments.OrderPayView.as_view(), name="order-pay"),
    path("shop/payments/<str:provider>/webhook/", views_payments.PaymentWebhookView.as_view(),
         name="payment-webhook"),
]

# The demo card gateway: not routed at all unless simulators are enabled (production: a pilot only).
if settings.ENABLE_SIMULATORS:
    urlpatterns += [
        path("shop/orders/<str:number>/pay/simulate/", views_payments.OrderPaySimulateView.as_view(),
             name="order-pay-simulate"),
        path("shop/payments/card-simulator/confirm/", views_payments.CardSimulatorConfirmView.as_view(),
             name="card-simulator-confirm"),
    ]
