"""The world's store: merchants with a product, an order, a counter sale and a statement, the county's
wallet bill and merchant applications; and Oscar's own objects (residents' addresses and alerts, the
staff dashboard's catalogue, offers, vouchers, pages, shipping)."""

from __future__ import annotations

import uuid

from accounts.roles import Role
from core.timeutil import last_full_month
from tests.access.world.base import World, make_user, phone


def add_shop(world: World) -> None:
    from oscar.core.loading import get_model

    from shop.services.counter import counter_sale_create
    from shop.services.merchants import merchant_application_submit
    from shop.services.payments import payment_start
    from shop.services.statements import merchant_statement_generate
    from tests.shop import factories as shop_factories

    Note = get_model("order", "OrderNote")
    last_month = last_full_month()
    for name, side in world.sides.items():
        for key, township_key in (("M1", "T1"), ("M2", "T2")) if name == "A" else (("M1", "T1"),):
            user = make_user(Role.MERCHANT, full_name=f"{name}{key}店主")
            merchant = shop_factories.merchant(name=f"{name}{key}商店", townships=[side.townships[township_key]],
                                               user=user)
            side.merchants[key] = merchant
            if key == "M1":
                side.users["merchant"] = user
            tags = {"county": name, "township": f"{name}.{township_key}", "merchant": f"{name}.{key}"}
            world.add("merchant", merchant, tags=tags)
            product = shop_factories.product(merchant.partner, title=f"{name}{key}土鸡蛋", stock=500)
            world.add("product", product, tags=tags, slug=product.slug or "product")
            station_key = f"S{township_key[1]}1"
            station = side.stations[station_key]
            order = shop_factories.order((product, 1), user=side.users["resident"], station=station)
            payment_start(order=order, provider_code="card_sim", amount_fen=int(order.total_incl_tax * 100))
            order_tags = {**tags, **side.tags_of_station(station_key), "resident": name}
            world.add("order", order, tags=order_tags, number=order.number)
            for line in order.lines.all():
                world.add("order_line", line, tags=order_tags, number=order.number)
            note = Note.objects.create(order=order, user=user, message="明早送到", note_type="Info")
            world.add("order_note", note, tags=order_tags, number=order.number)
            for part in order.parts.all():
                world.add("order_part", part, tags=order_tags)
            sale = counter_sale_create(user=side.operators[station_key], idempotency_key=uuid.uuid4(),
                                       mode="hand_over", items=[(product.pk, 1)])
            world.add("counter_sale", sale, tags={**tags, **side.tags_of_station(station_key)})
            statement = merchant_statement_generate(actor=None, merchant=merchant, month=last_month)
            world.add("merchant_statement", statement, tags=tags)
        from shop.models import WalletBillImport

        bill = WalletBillImport.objects.create(  # a compared WeChat Pay bill of the county's
            idempotency_key=uuid.uuid4(), provider="wechat", bill_date=last_month, county=side.county,
            content=b"-", status="done", created_by=side.users["county_admin"])
        world.add("wallet_bill", bill, tags={"county": name})
        for township_key, township in side.townships.items():
            application = merchant_application_submit(
                idempotency_key=uuid.uuid4(), business_name=f"{name}{township_key}新商户",
                credit_code=shop_factories.credit_code(), licence=shop_factories.licence_upload(),
                contact_name="李老板", contact_phone=phone(), address="镇上", categories=["groceries"],
                township_ids=[township.pk])
            world.add("merchant_application", application, tags={"county": name,
                                                                  "township": f"{name}.{township_key}"},
                      reference=application.reference)
    world.actors["merchant"] = world.sides["A"].users["merchant"]


def add_oscar(world: World) -> None:
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from oscar.core.loading import get_model
    from oscar.test import factories as oscar

    CommunicationEventType = get_model("communication", "CommunicationEventType")
    Country = get_model("address", "Country")
    china, _ = Country.objects.get_or_create(iso_3166_1_a2="CN", defaults={
        "iso_3166_1_a3": "CHN", "iso_3166_1_numeric": "156", "name": "中国", "printable_name": "中国",
        "is_shipping_country": True})
    for name, side in world.sides.items():
        resident = side.users["resident"]
        tags = {"county": name, "resident": name}
        address = oscar.UserAddressFactory(user=resident, country=china, first_name="秀英", last_name="王",
                                           line1="城关村1号", line4="乐亭县", postcode="063600",
                                           phone_number="+8613912345678")
        world.add("user_address", address, tags=tags)
        product = side.merchants["M1"].partner.stockrecords.first().product
        alert = oscar.ProductAlertFactory(user=resident, product=product)
        world.add("product_alert", alert, tags=tags)
    for thing in world.of("order"):
        thing.attrs["hash"] = thing.obj.verification_hash()

    # Objects of the staff-only dashboard sections (Oscar's own, for the superuser).
    staff = {"global": True}
    merchant = world.sides["A"].merchants["M1"]
    product = merchant.partner.stockrecords.first().product
    category = oscar.CategoryFactory(name="农产品")
    world.add("category", category, tags=staff, slug=category.slug)
    world.add("product_class", product.product_class, tags=staff, slug=product.product_class.slug)
    world.add("attribute_option_group", oscar.AttributeOptionGroupFactory(), tags=staff)
    world.add("option", oscar.OptionFactory(), tags=staff)
    offer_range = oscar.RangeFactory(products=[product], is_public=True)
    world.add("range", offer_range, tags=staff, slug=offer_range.slug)
    offer = oscar.ConditionalOfferFactory(name="满百减十", slug="man-bai-jian-shi")
    world.add("offer", offer, tags=staff, slug=offer.slug)
    world.add("review", oscar.ProductReviewFactory(product=product, user=world.sides["A"].users["resident"]),
              tags=staff, product=product.pk, slug=product.slug)
    world.add("voucher", oscar.create_voucher(), tags=staff)
    world.add("voucher_set", oscar.VoucherSetFactory(), tags=staff)
    page = FlatPage.objects.create(url="/about/", title="关于", content="村站")
    page.sites.add(Site.objects.get_current())
    world.add("flatpage", page, tags=staff)
    world.add("partner_user", merchant, tags=staff, partner=merchant.partner.pk,
              user=merchant.partner.users.first().pk)
    world.add("partner", merchant.partner, tags=staff)
    world.add("user", world.sides["A"].users["resident"], tags=staff)
    world.add("product_alert_staff", world.of("product_alert")[0].obj, tags=staff)
    method = oscar.create_shipping_weight_based()
    band = oscar.create_shipping_weight_band(10, 5, weight_based=method)
    world.add("shipping_method", method, tags=staff)
    world.add("shipping_band", band, tags=staff, method=method.pk)
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(title="办事指南", file=ContentFile(b"%PDF-1.4\n", name="guide.pdf"))
    world.document_url = document.url
    event_type, _ = CommunicationEventType.objects.get_or_create(code="ORDER_PLACED", defaults={"name": "下单"})
    world.add("comms_event_type", event_type, tags=staff, slug=event_type.code)
