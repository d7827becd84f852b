"""agency models, split by concern: catalogue (providers, products, plans), ledger (accounts,
journals, entries), payees (statements for contracted payees), rollups (the commission report's sums), till
(counter transactions, floats, closes, statements), till_wallets (WeChat Pay / Alipay at the till), visits (a resident's errands at one sitting)."""

from agency.models.catalogue import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.models.ledger import Account, CashBalance, Journal, LedgerEntry
from agency.models.offline import OfflineItem
from agency.models.payees import PayeeStatement
from agency.models.rollups import CommissionDayRollup, CommissionRollup
from agency.models.till import (
    AdminDecision,
    CommissionStatement,
    CommissionStatementLine,
    CounterTransaction,
    DailyCashClose,
    FloatTopUpRequest,
    FloatWallet,
)
from agency.models.till_wallets import TillWalletPayment
from agency.models.visits import Visit, VisitErrand

__all__ = [
    "Account",
    "AdminDecision",
    "CashBalance",
    "CommissionDayRollup",
    "CommissionPlan",
    "CommissionPlanVersion",
    "CommissionRollup",
    "CommissionStatement",
    "CommissionStatementLine",
    "CounterTransaction",
    "DailyCashClose",
    "FloatTopUpRequest",
    "FloatWallet",
    "Journal",
    "LedgerEntry",
    "OfflineItem",
    "PayeeStatement",
    "Product",
    "Provider",
    "TillWalletPayment",
    "Visit",
    "VisitErrand",
]
