"""agency models, split by concern: catalogue (providers, products, plans), ledger (accounts,
journals, entries), rollups (the commission report's sums), till (counter transactions, floats,
closes, statements)."""

from agency.models.catalogue import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.models.ledger import Account, Journal, LedgerEntry
from agency.models.rollups import (
    CommissionDayRollup,
    CommissionRollup,
    CommissionTownshipDayRollup,
    CommissionTownshipRollup,
)
from agency.models.till import (
    CommissionStatement,
    CommissionStatementLine,
    CounterTransaction,
    DailyCashClose,
    FloatTopUpRequest,
    FloatWallet,
)

__all__ = [
    "Account",
    "CommissionDayRollup",
    "CommissionPlan",
    "CommissionPlanVersion",
    "CommissionRollup",
    "CommissionStatement",
    "CommissionStatementLine",
    "CommissionTownshipDayRollup",
    "CommissionTownshipRollup",
    "CounterTransaction",
    "DailyCashClose",
    "FloatTopUpRequest",
    "FloatWallet",
    "Journal",
    "LedgerEntry",
    "Product",
    "Provider",
]
