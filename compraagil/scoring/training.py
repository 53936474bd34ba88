"""When the win model is trained and its history refreshed (CLI, scheduled jobs): a new version
each month (or when there is none yet), the snapshot it scores with after every import and daily."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from compraagil.chile.money import format_count
from compraagil.db import session_scope
from compraagil.models import WinModel, WinSupplierStats
from compraagil.scoring import context, model

RETRAIN_AFTER = timedelta(days=30)


def report(metrics: dict) -> list[str]:
    """The evaluation as a person reads it (Spanish)."""
    lines = [
        f"entrenado con {format_count(metrics['train_rows'])} cotizaciones hasta el {metrics['train_until']}; "
        f"evaluado con {format_count(metrics['test_rows'])} desde el {metrics['test_from']} (gana el {metrics['test_win_rate']:.0%})",
        f"AUC {metrics['auc']:.3f} · Brier {metrics['brier']:.3f} · log loss {metrics['log_loss']:.3f} · "
        f"error de calibración {metrics['calibration_error']:.3f}",
        f"líneas base (ven los precios de los rivales): «gana la más barata» AUC {metrics['baseline_cheapest_auc']:.3f} · "
        f"«solo el lugar por precio» AUC {metrics['baseline_rank_auc']:.3f}",
        "calibración (predicho → observado, n):",
    ]
    lines += [
        f"  {row['from']:.1f}–{row['to']:.1f}: {row['predicted']:.3f} → {row['observed']:.3f} ({format_count(row['n'])})"
        for row in metrics["calibration"]
    ]
    return lines


def refresh_context() -> None:
    with session_scope() as session:
        context.refresh(session, datetime.now(UTC).date())


def train_and_keep() -> WinModel:
    """Refresh the history snapshot, train a new version and keep it (it is used from now on)."""
    refresh_context()
    with session_scope() as session:
        trained = model.train(session)
        row = model.keep(session, trained)
        session.expunge(row)
        return row


@dataclass(frozen=True)
class State:
    missing: bool
    """No model was ever trained."""
    stale: bool
    """The newest model is over a month old."""
    empty: bool
    """The history snapshot it scores with is empty."""


def state(session: Session) -> State:
    newest = session.execute(select(func.max(WinModel.trained_at))).scalar_one_or_none()
    empty = session.execute(select(WinSupplierStats.supplier_id).limit(1)).first() is None
    return State(newest is None, newest is not None and datetime.now(UTC) - newest > RETRAIN_AFTER, empty)
