"""The till's demo for `manage.py seed_demo`: the county admin imports the providers, commission plans and
products (demo/data/providers.csv, commission_plans.csv, products.csv, through the till set-up's imports);
then floats are funded and a few months of counter work are done across the demo county's open stations.

The history goes through the real services (top-ups approved by the county, payments through the
provider simulator, reversals, status queries, daily closes with variances decided by the township,
statements generated, approved by a second county admin and paid), so the ledger, the audit trail and
the statements are what the system itself would have produced. To give them a history each step runs
"at" a past moment (demo/seeding/clock.py).

Idempotent: the imports find their earlier jobs; the history is written once (skipped when the first
demo top-up exists). A few hundred transactions: a few seconds on SQLite.
"""

from __future__ import annotations

import random
import uuid
from contextlib import suppress
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from agency import services
from agency.account_numbers import check_account_number, check_digit_for, rule_of
from agency.models import (
    CommissionStatement,
    CounterTransaction,
    DailyCashClose,
    FloatTopUpRequest,
    FloatWallet,
    Product,
    Provider,
)
from agency.providers import ProviderError, adapter_for
from agency.services.setup_import import (
    setup_import_apply_submit,
    setup_import_check_submit,
    setup_import_job_run,
)
from agency.services.setup_import_sheets import SHEETS
from demo.seeding.clock import SET_UP_AT, at
from demo.seeding.county import DemoCounty
from demo.seeding.imports import import_demo_file
from stations.models import StaffAssignment, Station

NAMESPACE = uuid.UUID("3d0c6a57-0f2b-4d8e-9c55-7a1e2f6b9d21")  # demo idempotency keys are uuid5s
HISTORY_MONTHS = 3  # the history starts on the 1st, three months before this one
CARD_SHARE = 0.15  # of bill payments paid by bank card on the (simulated) reader, where one is configured
CARD_DECLINED_FEN = 51  # the simulated reader declines amounts ending in .51 (insufficient funds)
U, T, INS, B, L = (Provider.FloatGroup.UTILITIES, Provider.FloatGroup.TELECOM, Provider.FloatGroup.INSURANCE,
                 Provider.FloatGroup.BANKING, Provider.FloatGroup.LOGISTICS)
# The till set-up's files, in the order they import: products name their provider and plan.
TILL_FILES = (("providers", "providers.csv"), ("plans", "commission_plans.csv"), ("products", "products.csv"))

K = Product.Kind
# How often each product (by its code in products.csv) is sold (weights), and the opening float per group (fen).
MIX = {"sgcc-electricity": 26, "laoting-water": 8, "hebei-cable-tv": 5, "cmcc-topup": 16, "cucc-topup": 7,
       "ctcc-topup": 5, "rural-pension": 4, "picc-accident": 3, "rcc-withdrawal": 9, "rcc-deposit": 4,
       "psbc-withdrawal": 4, "post-parcel": 5, "zto-parcel": 4}
OPENING_FLOAT = {U: 1_000_000, T: 300_000, INS: 300_000, B: 1_000_000, L: 60_000}
THRESHOLDS = {L: 15_000, INS: 30_000}  # smaller wallets warn lower than the default 500 yuan
REPLENISH = {U: 800_000, T: 300_000, INS: 200_000, B: 800_000, L: 50_000}
CLOSE_DAYS = 7  # the stations close their drawers on the last week's days
REVERSAL_REASONS = ["户号输错", "居民改主意了", "金额输错", "重复缴费"]
VARIANCE_NOTES = ["找零时多给了居民", "收到一张残币未入账", "清点时漏记一笔现金", "硬币清点有误"]


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


# --- the till's set-up --------------------------------------------------------------------------

def seed_till(demo: DemoCounty, progress) -> None:
    """The county admin imports the till's providers, commission plans and products (checked, then applied)."""
    admin = demo.county_admin
    with at(SET_UP_AT):
        for key, name in TILL_FILES:
            sheet = SHEETS[key]
            import_demo_file(
                name, run=setup_import_job_run,
                submit=lambda upload, idempotency_key, sheet=sheet: setup_import_check_submit(
                    user=admin, sheet=sheet, upload=upload, idempotency_key=idempotency_key),
                apply=lambda check, idempotency_key, sheet=sheet: setup_import_apply_submit(
                    user=admin, sheet=sheet, check_job_id=check.pk, idempotency_key=idempotency_key))
    progress.step("till set-up")


# --- account numbers the simulator and the rules both accept ------------------------------------

def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _id_number(rng: random.Random) -> str:
    """A resident ID number with its ISO 7064 MOD 11-2 check character (born 1955–1975 in 乐亭县)."""
    body = f"130225{rng.randint(1955, 1975)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{_digits(rng, 3)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def account_for(product: Product, rng: random.Random, ending: str = "") -> str:
    """A number valid under the product's rule; `ending` "9999" (timeout) or "0000" (declined)."""
    rule = rule_of(product)
    for _attempt in range(200):
        if product.kind == K.PENSION:
            number = _id_number(rng)
        elif rule.check_digit == "mobile":
            number = rng.choice(["138", "139", "135", "186", "133", "152"]) + _digits(rng, 8)
        elif rule.check_digit == "luhn":
            body = rng.choice(["621700", "622848", "621799"]) + _digits(rng, 9)
            number = body + check_digit_for(body, "luhn")
        else:
            number = _digits(rng, rule.max_length)
            if rule.check_digit == "mod10_31":
                number = number[:-1] + check_digit_for(number[:-1], "mod10_31")
        if ending:
            number = number[:-len(ending)] + ending
        try:
            return check_account_number(number, rule)
        except ValidationError:
            continue  # the forced ending broke the check digit: draw again
    raise RuntimeError(f"no demo account number for {product.code} ending {ending!r}")


# --- the history --------------------------------------------------------------------------------

class TillHistory:
    """Walks day by day from the first of the month HISTORY_MONTHS ago until now."""

    def __init__(self, demo: DemoCounty, products: dict[str, Product]):
        self.rng = random.Random(20260801)
        self.card_rng = random.Random(20261122)  # its own sequence: cards do not reshuffle the rest of the history
        self.cards = CounterTransaction.PaymentMethod.CARD in services.card_methods()
        self.products = products
        self.now = timezone.now()
        self.today = timezone.localdate()
        first = self.today.replace(day=1)
        for _step in range(HISTORY_MONTHS):
            first = (first - timedelta(days=1)).replace(day=1)
        self.start = first
        assignments = (StaffAssignment.objects.filter(role=StaffAssignment.Role.OPERATOR, ended_on__isnull=True,
                                                      station__status=Station.Status.OPEN)
                       .select_related("user", "station__village").order_by("station__code"))
        self.operators = {a.station: a.user for a in assignments}
        self.stations = list(self.operators)
        self.busy = self.stations[0] if self.stations else None  # the demo operator's station: busiest
        admins = User.objects.in_bulk(["county_admin", "township_admin", "county_finance"], field_name="username")
        self.county_admin, self.township_admin = admins["county_admin"], admins["township_admin"]
        self.finance = admins["county_finance"]  # a second county admin: statements are checked by another
        self.township_path = demo.townships[0].path if demo.townships else "-"
        self.counts = {"transactions": 0}

    def moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        value = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return min(value, self.now - timedelta(minutes=1))

    def just_now(self, index: int, count: int) -> datetime:
        """The index-th of today's last `count` payments: 12 minutes apart up to now, but never before local
        midnight, so that a demo seeded just after midnight still has them on today's till page."""
        start = max(self.now - timedelta(minutes=12 * count), timezone.make_aware(datetime.combine(self.today, time(0))))
        return start + (self.now - start) * index / count

    def run(self, progress) -> None:
        day = self.start
        while day <= self.today:
            if day == self.start:
                self.open_floats(day)
            self.statements_on(day)
            self.trade(day)
            self.replenish(day)
            if (self.today - day).days in range(1, CLOSE_DAYS + 1):
                self.close_day(day)
            if day == self.start + timedelta(days=20):
                self.refused_top_up(day)
            if day.day == 1:
                progress.step(f"till {day:%Y-%m}")
            day += timedelta(days=1)
        self.finish()

    # floats -------------------------------------------------------------------------------------
    def top_up(self, station, group, amount, when: datetime, *, approve=True, tag="") -> FloatTopUpRequest:
        operator = self.operators[station]
        with at(when):
            request = services.float_top_up_request(
                actor=operator, station=station, float_group=group, amount_fen=amount,
                idempotency_key=_key("top-up", station.code, group, when.isoformat(), tag),
                bank_reference=f"HB{when:%Y%m%d}{self.rng.randint(1000, 9999)}")
        if approve:
            with at(min(when + timedelta(minutes=40), self.now - timedelta(seconds=30))):
                services.float_top_up_approve(actor=self.county_admin, top_up=request, note="已到账")
        return request

    def open_floats(self, day: date) -> None:
        for station in self.stations:
            for group, amount in OPENING_FLOAT.items():
                self.top_up(station, group, amount, self.moment(day, 8, 0))
            with at(self.moment(day, 9, 0)):
                for group, threshold in THRESHOLDS.items():
                    wallet = FloatWallet.objects.get(station=station, float_group=group)
                    services.float_wallet_set_threshold(actor=self.county_admin, wallet=wallet,
                                                        low_threshold_fen=threshold)

    def replenish(self, day: date) -> None:
        """A station whose float ran low asks for more at the end of the day; the county approves."""
        low = FloatWallet.objects.filter(station__in=self.stations).select_related("station")
        for wallet in low:
            if not wallet.is_low:
                continue
            self.top_up(wallet.station, wallet.float_group, REPLENISH[wallet.float_group], self.moment(day, 18, 0))

    def refused_top_up(self, day: date) -> None:
        """A transfer the county cannot find is refused; the station sends the right slip the next day."""
        station = self.stationat(2)
        refused = self.top_up(station, L, 50_000, self.moment(day, 16, 0), approve=False, tag="refused")
        with at(self.moment(day, 16, 30)):
            services.float_top_up_reject(actor=self.county_admin, top_up=refused,
                                         note="银行流水中未查到此笔转账，请核对后重新提交")
        self.top_up(station, L, 50_000, self.moment(day + timedelta(days=1), 9, 0), tag="resent")

    # payments -----------------------------------------------------------------------------------
    def trade(self, day: date) -> None:
        if not self.stations:
            return
        count = self.rng.randint(1, 3) if day.weekday() < 6 else self.rng.randint(0, 1)
        plan = [self.busy if self.rng.random() < 0.35 else self.rng.choice(self.stations) for _ in range(count)]
        if day == self.today:
            plan = [self.busy] * 6  # today's page of the demo operator's till has something on it
        hours = sorted(self.rng.randint(8 * 60 + 30, 17 * 60 + 30) for _ in plan)
        for index, (station, minutes) in enumerate(zip(plan, hours, strict=True)):
            when = (self.just_now(index, len(plan)) if day == self.today
                    else self.moment(day, minutes // 60, minutes % 60))
            # One of today's payments at the demo operator's counter waits for the provider's answer.
            self.sell(station, when, index, unknown=day == self.today and index == 3,
                      declined_card=day == self.today and index == 1)

    def sell(self, station: Station, when: datetime, index: int, unknown: bool = False,
             declined_card: bool = False) -> None:
        rng = self.rng
        code = "sgcc-electricity" if unknown else rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if declined_card:  # a bill of any amount, so the reader can decline it
            code = "sgcc-electricity"
        product = self.products[code]
        roll = rng.random()
        ending = "9999" if unknown or roll < 0.03 else "0000" if roll < 0.05 else ""
        number = account_for(product, rng, ending)
        amount, name = self.amount_and_name(product, number)
        method, amount = self.payment_method(product, amount, declined=declined_card)
        operator = self.operators[station]
        with at(when):
            try:
                tx = services.counter_payment_submit(
                    actor=operator, station=station, product=product, account_number=number, amount_fen=amount,
                    idempotency_key=_key("tx", station.code, when.isoformat(), index), customer_name=name,
                    payment_method=method)
            except ValidationError:
                return  # too little float or cash in the drawer: the resident comes back another day
        self.counts["transactions"] += 1
        if tx.status == CounterTransaction.Status.UNKNOWN and (self.today - when.date()).days > 1:
            with at(when + timedelta(minutes=rng.randint(3, 25))):
                services.counter_transaction_resolve(actor=operator, counter_transaction=tx)
        elif tx.status == CounterTransaction.Status.SUCCEEDED and rng.random() < 0.04:
            # suppress: when the drawer cannot refund it, the payment stands
            with at(when + timedelta(minutes=rng.randint(2, 8))), suppress(ValidationError):
                services.counter_transaction_reverse(actor=operator, counter_transaction=tx,
                                                     reason=rng.choice(REVERSAL_REASONS))

    def payment_method(self, product: Product, amount: int, *, declined: bool) -> tuple[str, int]:
        """Cash mostly; some residents pay bills by card, and one of today's cards is declined."""
        method = CounterTransaction.PaymentMethod
        card = self.card_rng.random() < CARD_SHARE
        if not self.cards or product.direction != Product.Direction.COLLECT or not (card or declined):
            return method.CASH, amount
        if declined and not product.amount_choices_fen and amount + CARD_DECLINED_FEN <= product.amount_max_fen:
            return method.CARD, amount + CARD_DECLINED_FEN
        return method.CARD, amount

    def amount_and_name(self, product: Product, number: str) -> tuple[int, str]:
        name, due = "", None
        if product.lookup_supported:
            try:
                found = adapter_for(product.provider).lookup(product=product, account_number=number)
                name, due = found.customer_name, found.amount_due_fen
            except ProviderError:
                pass
        if product.amount_choices_fen:
            return self.rng.choice(product.amount_choices_fen), name
        if due:
            return due, name
        high = min(product.amount_max_fen, 150_000)
        return self.rng.randint(product.amount_min_fen // 100, high // 100) * 100, name

    # daily closes -------------------------------------------------------------------------------
    def close_day(self, day: date) -> None:
        """Every open station counts its drawer at six. A few counts differ: the township decides those
        older than two days (one is sent back and counted again); the recent ones wait for the demo's
        admins, one of them in the demo township admin's township."""
        age = (self.today - day).days
        forced = {1: self.stationat(1), 4: self.stationat(0), 5: self.stationat(3)}
        for station in self.stations:
            expected = services.expected_cash_fen(station)
            variance = 0
            if forced.get(age) == station or self.rng.random() < 0.05:
                variance = self.rng.choice([-2_000, -1_000, -500, -50, 100, 1_000])
            counted = max(0, expected + variance)
            with at(self.moment(day, 18, 10)):
                close = services.daily_cash_close_submit(
                    actor=self.operators[station], station=station, counted_fen=counted,
                    explanation=self.rng.choice(VARIANCE_NOTES) if counted != expected else "",
                    idempotency_key=_key("close", station.code, day))
            if close.status == DailyCashClose.Status.AWAITING_APPROVAL and age > 2:
                self.decide_close(close, day, station, refuse=age == 5 and station == forced[5])

    def stationat(self, index: int) -> Station:
        return self.stations[min(index, len(self.stations) - 1)]

    def decide_close(self, close: DailyCashClose, day: date, station: Station, *, refuse: bool) -> None:
        admin = self.township_admin if station.village.path.startswith(self.township_path) else self.county_admin
        with at(self.moment(day + timedelta(days=1), 8, 15)):
            if refuse:
                services.daily_cash_close_reject(actor=admin, close=close, note="请重新清点钱箱，核对当日流水")
                services.daily_cash_close_submit(actor=self.operators[station], station=station,
                                                 counted_fen=services.expected_cash_fen(station),
                                                 idempotency_key=_key("recount", station.code, day),
                                                 business_date=day)
            else:
                services.daily_cash_close_approve(actor=admin, close=close, note="差额已核实")

    # statements ---------------------------------------------------------------------------------
    def statements_on(self, day: date) -> None:
        """The 3rd: last month generated; the 5th approved by the other county admin; the 10th paid.
        The last ended month is generated by the finance admin and left for the county admin to approve."""
        last_month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        if last_month < self.start:
            return
        newest = last_month == (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)
        maker, checker = (self.finance, None) if newest else (self.county_admin, self.finance)
        if day.day == 3 or (newest and day == self.today and day.day < 3):
            with at(self.moment(day, 9, 0)):
                services.commission_statements_generate_month(actor=maker, month=last_month)
        if checker and day.day in (5, 10):
            self.approve_and_pay(last_month, day, checker)

    def approve_and_pay(self, month: date, day: date, checker) -> None:
        statements = CommissionStatement.objects.filter(month=month).select_related("station")
        with at(self.moment(day, 10, 0)):
            for statement in statements:
                try:
                    if day.day == 5:
                        services.commission_statement_approve(actor=checker, statement=statement)
                    else:
                        services.commission_statement_mark_paid(
                            actor=self.county_admin, statement=statement,
                            payment_reference=f"LTCZ{month:%Y%m}{statement.station.code}")
                except (ValidationError, PermissionDenied):
                    continue

    def finish(self) -> None:
        """Leave something to do: the demo operator's phone float warns (the county raised its threshold
        ahead of the holiday rush), and a phone and a bank top-up wait for the county."""
        if not self.stations:
            return
        when = self.now - timedelta(minutes=90)
        wallet = FloatWallet.objects.get(station=self.busy, float_group=T)
        if not wallet.is_low:
            with at(when):
                services.float_wallet_set_threshold(actor=self.county_admin, wallet=wallet,
                                                    low_threshold_fen=(wallet.available_fen // 10_000 + 3) * 10_000)
        self.top_up(self.busy, T, 200_000, when + timedelta(minutes=5), approve=False, tag="pending")
        self.top_up(self.stationat(len(self.stations) - 1), B, 500_000, when + timedelta(minutes=10), approve=False,
                    tag="pending")


def seed_agency(demo: DemoCounty, progress) -> None:
    """The till's history, once (after seed_till)."""
    if FloatTopUpRequest.objects.exists():
        progress.step("till history (already there)")
        return
    products = {product.code: product for product in Product.objects.select_related("provider")}
    history = TillHistory(demo, products)
    history.run(progress)
    progress.step(f"till: {history.counts['transactions']} transactions")
