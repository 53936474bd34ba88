"""Database tables (SQLModel), one module per area. Alembic owns the schema; these classes mirror it
(tests/integration/test_models_match_schema.py checks that they agree)."""

from compraagil.models.accounts import (
    AuditEntry,
    Company,
    Invitation,
    QuotaRefusal,
    UsageCounter,
    User,
    UserSession,
    UserToken,
)
from compraagil.models.alerts import (
    Alert,
    AlertDelivery,
    AlertNotice,
    AlertRunCheck,
    AlertVector,
    SemanticAlertCheck,
)
from compraagil.models.api_keys import ApiKey
from compraagil.models.embeddings import TenderEmbedding, TextEmbedding
from compraagil.models.exports import Export
from compraagil.models.history import Buyer, Product, Quote, QuoteLine, Supplier, Tender, TenderItem
from compraagil.models.imports import ImportReject, ImportRun, SyncState
from compraagil.models.payments import Invoice, InvoiceNumber, Payment, PaymentEvent, Subscription
from compraagil.models.pipeline import PipelineItem
from compraagil.models.prices import PendingPriceMonth, PriceKey, price_lines
from compraagil.models.proposals import Proposal, ProposalVersion
from compraagil.models.scoring import WinBuyerStats, WinModel, WinPairStats, WinSupplierStats
from compraagil.models.telegram import TelegramLink

__all__ = [
    "Proposal",
    "ProposalVersion",
    "ApiKey",
    "Buyer",
    "Supplier",
    "Product",
    "Tender",
    "TenderItem",
    "TenderEmbedding",
    "TextEmbedding",
    "Quote",
    "QuoteLine",
    "ImportRun",
    "ImportReject",
    "SyncState",
    "Company",
    "User",
    "UserSession",
    "UserToken",
    "Invitation",
    "UsageCounter",
    "QuotaRefusal",
    "AuditEntry",
    "PipelineItem",
    "PendingPriceMonth",
    "PriceKey",
    "price_lines",
    "Payment",
    "PaymentEvent",
    "Subscription",
    "Invoice",
    "InvoiceNumber",
    "WinModel",
    "WinSupplierStats",
    "WinPairStats",
    "WinBuyerStats",
    "Alert",
    "AlertNotice",
    "AlertDelivery",
    "AlertRunCheck",
    "AlertVector",
    "SemanticAlertCheck",
    "Export",
    "TelegramLink",
]
