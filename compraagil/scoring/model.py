"""Train, evaluate, keep and load the win model (scikit-learn).

Gradient boosting (it takes missing values as they are) fitted on the older part of the training
months, calibrated (isotonic) on the newest part, and evaluated on the months after the training
window — a time split, so it is judged on processes it could not have seen. The evaluation: AUC,
Brier score, log loss, calibration (table and expected error), against two baselines that even see
the rivals' prices: «the cheapest quote wins» and «price rank alone»."""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import joblib
import numpy as np
from dateutil.relativedelta import relativedelta
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sqlalchemy import select
from sqlmodel import Session

from compraagil.config import get_settings
from compraagil.errors import InvalidInput
from compraagil.models import WinModel
from compraagil.scoring.features import FEATURES, TrainingRows, training_rows

log = logging.getLogger(__name__)

TEST_MONTHS = 3
CALIBRATION_SHARE = 0.2
MIN_ROWS = 500


@dataclass(frozen=True)
class Trained:
    version: str
    estimator: object
    """Calibrated: `predict_proba` gives the chance to win."""
    reference: list[float]
    """Each feature's median in the training rows: the «typical quote» reasons are measured against."""
    metrics: dict


def calibration_table(probabilities: np.ndarray, won: np.ndarray, bins: int = 10) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    table = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (probabilities >= low) & ((probabilities < high) if high < 1 else (probabilities <= high))
        if inside.any():
            table.append({"from": round(float(low), 1), "to": round(float(high), 1), "n": int(inside.sum()),
                          "predicted": float(probabilities[inside].mean()), "observed": float(won[inside].mean())})  # fmt: skip
    return table


def expected_calibration_error(table: list[dict]) -> float:
    total = sum(row["n"] for row in table)
    return sum(row["n"] * abs(row["predicted"] - row["observed"]) for row in table) / total if total else 0.0


def _split(rows: TrainingRows, test_from: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dates = np.array(rows.closing_dates)
    return dates < test_from, dates >= test_from, dates


def train(session: Session, *, today: date | None = None) -> Trained:
    """Fit on everything closed up to TEST_MONTHS before the newest closing, evaluate on the rest."""
    today = today or datetime.now(UTC).date()
    rows = training_rows(session, today)
    if len(rows.won) < MIN_ROWS:
        raise InvalidInput(
            f"Hay {len(rows.won)} cotizaciones decididas: el modelo necesita al menos {MIN_ROWS}."
        )
    newest = max(rows.closing_dates)
    test_from = newest.replace(day=1) - relativedelta(months=TEST_MONTHS - 1)
    train_mask, test_mask, dates = _split(rows, test_from)
    x, y, ranks = np.array(rows.features, dtype=float), np.array(rows.won), np.array(rows.price_ranks)
    order = np.argsort(dates[train_mask], kind="stable")
    x_train, y_train = x[train_mask][order], y[train_mask][order]
    cut = int(len(y_train) * (1 - CALIBRATION_SHARE))
    booster = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.06, max_leaf_nodes=31, l2_regularization=1.0, random_state=7
    )
    booster.fit(x_train[:cut], y_train[:cut])
    calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method="isotonic")
    calibrated.fit(x_train[cut:], y_train[cut:])
    probabilities = calibrated.predict_proba(x[test_mask])[:, 1]
    y_test, ranks_test = y[test_mask], ranks[test_mask]
    table = calibration_table(probabilities, y_test)
    metrics = {
        "auc": float(roc_auc_score(y_test, probabilities)),
        "brier": float(brier_score_loss(y_test, probabilities)),
        "log_loss": float(log_loss(y_test, np.clip(probabilities, 1e-6, 1 - 1e-6))),
        "calibration_error": expected_calibration_error(table),
        "calibration": table,
        "baseline_cheapest_auc": float(roc_auc_score(y_test, (ranks_test == 1).astype(float))),
        "baseline_rank_auc": float(roc_auc_score(y_test, -ranks_test)),
        "test_win_rate": float(y_test.mean()),
        "train_until": str(max(dates[train_mask])), "test_from": str(test_from),
        "train_rows": int(train_mask.sum()), "test_rows": int(test_mask.sum()),
    }  # fmt: skip
    reference = [
        float(np.nanmedian(x_train[:, i])) if not np.isnan(x_train[:, i]).all() else float("nan")
        for i in range(len(FEATURES))
    ]
    version = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Trained(version, calibrated, reference, metrics)


def models_dir() -> Path:
    return get_settings().data_dir / "models"


def keep(session: Session, trained: Trained) -> WinModel:
    """Write the model's file and its row (the newest row is the one in use)."""
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"win-{trained.version}.joblib"
    joblib.dump({"estimator": trained.estimator, "reference": trained.reference, "features": FEATURES}, path)
    metrics = trained.metrics
    row = WinModel(
        version=trained.version, train_until=date.fromisoformat(metrics["train_until"]),
        test_from=date.fromisoformat(metrics["test_from"]), train_rows=metrics["train_rows"],
        test_rows=metrics["test_rows"], metrics=metrics, path=str(path),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Loaded:
    version: str
    estimator: object
    reference: list[float]


_loaded: dict[str, Loaded] = {}


def current(session: Session) -> Loaded | None:
    """The newest kept model whose file is here (loaded once per process)."""
    row = session.execute(
        select(WinModel).order_by(WinModel.trained_at.desc(), WinModel.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None or not Path(row.path).exists():
        return None
    if row.version not in _loaded:
        saved = joblib.load(row.path)
        if tuple(saved["features"]) != FEATURES:
            log.warning("win model made with other features: not used", extra={"version": row.version})
            return None
        _loaded[row.version] = Loaded(row.version, saved["estimator"], saved["reference"])
    return _loaded[row.version]
