"""Writes of the station till. Import from here (`from agency import services`).

Modules: payments.py (provider transactions: submit, settle, resolve, reverse), api.py (for other
apps: government fee, cash sale, order commission, merchant payout), floats.py (top-ups), closes.py (daily
cash close), statements.py (monthly commission statements), wallet_tender.py and till_wallets.py (WeChat Pay and Alipay at the
till), visits.py (a resident's errands at one sitting),
ledger.py (posting), common.py (shared
pieces), access.py (who may act).

Chart of postings (debit +, credit −; "money" is the station's cash drawer, or card clearing):
* collect payment   money +A, float −A; fee: money +F, fees −F
* payout            float +A, money −A; fee as above
* commission        provider +C; station commission −op, township −t, county −c, platform −p;
                    tax: station commission +T, tax withheld −T
* government fee    money +A, government fees held −A (the payee's account when the app names one)
* store cash sale   money +A, store sales held −A
* order commission  store +C, station commission −C; tax as above
* float top-up      float +A, station funding −A
* cash variance     cash ±V, over-and-short ∓V
* statement paid    station commission +N, platform bank −N
* merchant paid     store sales held (platform) +N, platform bank −N
* reversal          the mirror image of the journal it reverses (linked, once)
"""

from agency.services.api import (
    cash_sale_record,
    government_fee_refund,
    government_fee_take,
    merchant_payout_post,
    order_commission_post,
)
from agency.services.closes import (
    daily_cash_close_approve,
    daily_cash_close_reject,
    daily_cash_close_submit,
    expected_cash_fen,
)
from agency.services.floats import (
    float_top_up_approve,
    float_top_up_reject,
    float_top_up_request,
    float_wallet_set_threshold,
)
from agency.services.payments import (
    card_methods,
    check_payment,
    counter_payment_submit,
    counter_transaction_resolve,
    counter_transaction_reverse,
    counter_transactions_reconcile,
    reversal_deadline,
    till_methods,
)
from agency.services.statements import (
    commission_statement_approve,
    commission_statement_generate,
    commission_statement_mark_paid,
    commission_statements_generate_month,
    statement_figures,
)
from agency.services.visits import (
    visit_cash_due_fen,
    visit_close,
    visit_errand_add,
    visit_first_printed_at,
    visit_open,
    visit_receipt_print_count,
    visit_receipt_print_record,
)
from agency.services.wallet_tender import is_wallet, wallet_methods

__all__ = [
    "card_methods",
    "cash_sale_record",
    "check_payment",
    "commission_statement_approve",
    "commission_statement_generate",
    "commission_statement_mark_paid",
    "commission_statements_generate_month",
    "counter_payment_submit",
    "counter_transaction_resolve",
    "counter_transaction_reverse",
    "counter_transactions_reconcile",
    "daily_cash_close_approve",
    "daily_cash_close_reject",
    "daily_cash_close_submit",
    "expected_cash_fen",
    "float_top_up_approve",
    "float_top_up_reject",
    "float_top_up_request",
    "float_wallet_set_threshold",
    "government_fee_refund",
    "government_fee_take",
    "is_wallet",
    "merchant_payout_post", "order_commission_post",
    "reversal_deadline",
    "statement_figures",
    "till_methods",
    "visit_cash_due_fen",
    "visit_close",
    "visit_errand_add",
    "visit_first_printed_at",
    "visit_open",
    "visit_receipt_print_count",
    "visit_receipt_print_record",
    "wallet_methods",
]
