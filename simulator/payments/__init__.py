"""The payment job's domain: contracts with due dates and the provider's ledger (pure)."""

from simulator.payments.contracts import Charge, Contract, due_charges, make_contracts
from simulator.payments.ledger import ChargeRequest, ChargeResult, Ledger

__all__ = [
    "Charge", "ChargeRequest", "ChargeResult", "Contract", "Ledger", "due_charges",
    "make_contracts",
]
