"""The webhook outbox (/county/webhooks/) and the county's channels (/county/channels/), included from
gov_services/urls.py in the gov_services namespace; and the WeChat official account's server address
(/channels/wechat/<code>/), called by WeChat."""

from django.urls import path

from gov_services.channels import views, views_county, views_wechat

urlpatterns = [
    path("county/webhooks/", views.WebhookOutboxListView.as_view(), name="webhook-outbox-list"),
    path("county/webhooks/<int:pk>/replay/", views.WebhookDeliveryReplayView.as_view(), name="webhook-replay"),
    path("county/channels/", views_county.ChannelListView.as_view(), name="channel-list"),
    path("county/channels/<int:pk>/", views_county.ChannelDetailView.as_view(), name="channel-detail"),
    path("county/channels/<int:pk>/wechat/try/", views_county.WeChatTryView.as_view(), name="wechat-try"),
    path("channels/wechat/<slug:code>/", views_wechat.wechat_server, name="wechat-server"),
]
