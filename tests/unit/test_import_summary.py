"""The import's one-line summary says when its data landed, and how long after that its tenders
were searchable and its prices up to date."""

from compraagil.ingest.runs import Followed, ImportCounts, ImportSummary
from compraagil.pricing.history import Refreshed
from compraagil.search.indexing import Indexed


def test_the_summary_says_when_search_and_prices_followed():
    counts = ImportCounts(read=1_000_000, inserted=970_028, duplicates=29_972)
    followed = Followed(Indexed(tenders=92_617, seconds=4.7), Refreshed(months=24, seconds=1.25))
    line = ImportSummary(
        run_id=3, source="COT_2026-10.zip", counts=counts, seconds=17.5, followed=followed
    ).line()
    assert line == (
        "importación 3 COT_2026-10.zip: leídas 1.000.000 · nuevas 970.028 · actualizadas 0 · sin cambios 0"
        " · duplicadas 29.972 · rechazadas 0 · 17,5 s (57.143 filas/s) · buscables 4,7 s después"
        " (92.617 licitaciones indexadas) · precios al día 6,0 s después (24 meses)"
    )


def test_a_run_that_changed_nothing_says_nothing_more():
    counts = ImportCounts(read=10)
    followed = Followed(Indexed(tenders=0, seconds=0.0), Refreshed(months=0, seconds=0.0))
    line = ImportSummary(run_id=4, source="a.csv", counts=counts, seconds=1.0, followed=followed).line()
    assert line.endswith("rechazadas 0 · 1,0 s (10 filas/s)")
