"""The win model: train and evaluate on a time split (the newest 3 months are the test) at N quotes,
print the evaluation (AUC, Brier, log loss, calibration, the baselines), then time scoring: the
model's part (the history snapshot's three key lookups, the 17-point curve and the reasons) and the
whole «Probabilidad de ganar» of a tender (with its price guidance, cached or not).

    .venv/bin/python -m bench.win_model_bench [--rows 1000000] [--queries 200] [--database-url URL]
"""

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.common import machine, populated_database, query_bench_arguments, report, timed
from compraagil.accounts.demo import create_account
from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.scoring import context, model
from compraagil.scoring.context import context_for, features_now
from compraagil.scoring.item_curves import MULTIPLIERS
from compraagil.scoring.service import _reasons, win_chance
from compraagil.scoring.training import report as evaluation


def main() -> None:
    args = query_bench_arguments(__doc__, seed=13)
    with populated_database(args.rows, args.seed, args.database_url), tempfile.TemporaryDirectory() as folder:
        get_settings().data_dir = Path(folder)
        started = time.monotonic()
        with session_scope() as session:
            context.refresh(session, datetime.now(UTC).date())
        refreshed = time.monotonic() - started
        started = time.monotonic()
        with session_scope() as session:
            trained = model.train(session)
            kept = model.keep(session, trained)
            version = kept.version
        print(
            f"win model · {machine()} · snapshot refreshed in {refreshed:.1f} s · trained in {time.monotonic() - started:.1f} s"
        )
        for line in evaluation(trained.metrics):
            print(line)
        with session_scope() as session:
            user = create_account(
                session=session,
                email=f"bench-{version}@ejemplo.cl",
                password="bench-win-model-2026",
                plan="PYME",
                company="Bench",
            )
            company_id = user.company_id
            tenders = session.execute(
                text(
                    "SELECT codigo, buyer_id, amount_available, (SELECT count(*) FROM tender_items i WHERE i.tender_id = t.id)"
                    " FROM tenders t WHERE state = 'publicada' AND amount_available > 0 AND buyer_id IS NOT NULL"
                    " ORDER BY codigo LIMIT :n"
                ),
                {"n": args.queries},
            ).all()
            suppliers = [
                s
                for (s,) in session.execute(
                    text("SELECT supplier_id FROM win_supplier_stats ORDER BY quotes DESC LIMIT :n"),
                    {"n": args.queries},
                )
            ]
        with session_scope() as session:
            loaded = model.current(session)

            def model_part(tender, supplier):
                def call():
                    found = context_for(
                        session,
                        supplier_id=supplier,
                        buyer_id=tender.buyer_id,
                        budget=tender.amount_available,
                        items=tender[3],
                    )
                    rows = np.array(
                        [
                            features_now(found, total_clp=tender.amount_available * share, price_ratio=None)
                            for share in MULTIPLIERS
                        ]
                    )
                    chances = loaded.estimator.predict_proba(rows)[:, 1]
                    here = MULTIPLIERS.index(1.0)
                    _reasons(loaded, rows[here], float(chances[here]))

                return call

            report(
                "model part (curve + reasons)",
                timed([model_part(t, s) for t, s in zip(tenders, suppliers, strict=False)]),
            )
            calls = [
                lambda codigo=t.codigo: win_chance(session=session, company_id=company_id, codigo=codigo)
                for t in tenders
            ]
            report("whole card, prices cold", timed(calls))
            report("whole card, prices cached", timed(calls))
        print(f"model {version}, {len(tenders)} open tenders")


if __name__ == "__main__":
    main()
