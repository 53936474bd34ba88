"""«Mis resultados» rules on plain data: ranks with ties, gaps, medians and the summaries."""

from datetime import date
from decimal import Decimal as D

from compraagil.results.logic import (
    MyLine,
    Offer,
    Outcome,
    Process,
    gap,
    median,
    quote_results,
    rank_of,
    summarize,
    vs_median,
)

ME, RIVAL, OTHER = 1, 2, 3
NAMES = {ME: "Yo SpA", RIVAL: "Rival Ltda.", OTHER: "Otro EIRL"}


def offer(supplier: int, total: str | None, winner: bool = False, number: int = 1, admissible: bool = True):
    return Offer(supplier, NAMES[supplier], number, D(total) if total else None, admissible, winner)


def process(codigo: str, *offers: Offer, organismo: str = "Municipalidad de Chillán", deserted=False):
    return Process(codigo, f"Compra {codigo}", organismo, date(2026, 3, 5), deserted, offers)


def test_rank_counts_strictly_cheaper_totals_so_ties_share_a_rank():
    totals = [D(100), D(100), D(90), D(120)]
    assert [rank_of(t, totals) for t in totals] == [2, 2, 1, 4]


def test_gap_in_pesos_and_percent_of_the_winners_total():
    assert gap(D(103_000), D(100_000)) == (D(3_000), D(3))
    assert gap(D(95_000), D(100_000)) == (D(-5_000), D(-5))
    assert gap(None, D(100_000)) == (None, None)
    assert gap(D(1), None) == (None, None)


def test_unit_price_against_the_median_and_medians_of_known_values():
    assert vs_median(D(1_100), D(1_000)) == D(10)
    assert vs_median(D(1_100), None) is None
    assert vs_median(None, D(1_000)) is None
    assert median([D(3), None, D(1), D(2), D(10)]) == D("2.5")
    assert median([None]) is None


def test_lost_quote_is_ranked_among_admissible_quotes_with_a_total():
    rows = quote_results(
        process(
            "A",
            offer(RIVAL, "100000", winner=True),
            offer(ME, "103000"),
            offer(OTHER, "90000", admissible=False),
            offer(OTHER, None, number=2),
        ),
        ME,
    )
    [row] = rows
    assert (row.outcome, row.rank, row.ranked, row.quotes) == (Outcome.LOST, 2, 2, 4)
    assert (row.gap_clp, row.gap_pct, row.winner_name) == (D(3000), D(3), "Rival Ltda.")


def test_two_quotes_of_mine_are_two_rows_and_the_process_is_won_when_either_wins():
    rows = quote_results(
        process(
            "B",
            offer(ME, "80000", winner=True, number=1),
            offer(ME, "85000", number=2),
            offer(RIVAL, "85000"),
        ),
        ME,
    )
    assert [(r.quote_number, r.my_quotes, r.outcome, r.winning, r.rank, r.gap_clp) for r in rows] == [
        (1, 2, Outcome.WON, True, 1, D(0)),
        (2, 2, Outcome.WON, False, 2, D(5000)),
    ]


def test_no_winner_is_desierta_or_unawarded_and_has_no_gap():
    [deserted] = quote_results(process("C", offer(ME, "5000"), deserted=True), ME)
    [open_] = quote_results(process("D", offer(ME, "5000"), offer(RIVAL, "4000")), ME)
    assert (deserted.outcome, deserted.gap_pct, deserted.rank) == (Outcome.DESERTED, None, 1)
    assert (open_.outcome, open_.rank, open_.winner_name) == (Outcome.UNAWARDED, 2, "")


def test_missing_totals_make_the_comparison_impossible():
    [row] = quote_results(process("E", offer(ME, None), offer(RIVAL, "100", winner=True)), ME)
    assert (row.rank, row.gap_clp, row.ranked) == (None, None, 1)


def test_lines_compare_unit_prices_with_the_market_median():
    lines = [
        MyLine("F", 1, "Resma carta", D(4_400), D(4_000)),
        MyLine("F", 1, "Tóner", None, None),
    ]
    [row] = quote_results(process("F", offer(ME, "50000", winner=True)), ME, lines)
    assert [(line.product, line.vs_median_pct) for line in row.lines] == [
        ("Resma carta", D(10)),
        ("Tóner", None),
    ]


def test_summary_counts_processes_by_my_best_quote():
    rows = [
        *quote_results(process("W", offer(ME, "100", winner=True), offer(RIVAL, "120")), ME),
        *quote_results(process("L3", offer(RIVAL, "100", winner=True), offer(ME, "103")), ME),
        *quote_results(process("L20", offer(RIVAL, "100", winner=True), offer(ME, "120")), ME),
        *quote_results(
            process(
                "TWO",
                offer(OTHER, "1000", winner=True),
                offer(ME, "1500", number=1),
                offer(ME, "1040", number=2),
            ),
            ME,
        ),
        *quote_results(process("CHEAP", offer(RIVAL, "100", winner=True), offer(ME, "90")), ME),
        *quote_results(process("DES", offer(ME, "100"), deserted=True), ME),
    ]
    summary = summarize(rows)
    assert (summary.processes, summary.won, summary.lost, summary.deserted) == (6, 1, 4, 1)
    assert summary.win_rate == D(1) / D(5)
    assert [(r.codigo, r.quote_number, r.gap_pct) for r in summary.close_losses] == [
        ("L3", 1, D(3)),
        ("TWO", 2, D(4)),
    ]
    assert summary.cheaper_losses == 1
    assert summary.rivals[0].name == "Rival Ltda."
    assert (summary.rivals[0].times, summary.rivals[0].median_gap_pct) == (3, D(3))
    assert (summary.rivals[1].name, summary.rivals[1].times, summary.rivals[1].median_gap_clp) == (
        "Otro EIRL",
        1,
        D(40),
    )


def test_win_rates_by_product_and_buyer_count_each_process_once():
    lines_a = [MyLine("A", 1, "Resma", D(1), None), MyLine("A", 1, "Resma", D(2), None)]
    lines_b = [MyLine("B", 1, "Resma", D(1), None), MyLine("B", 1, "Tóner", D(1), None)]
    rows = [
        *quote_results(process("A", offer(ME, "10", winner=True), organismo="Hospital"), ME, lines_a),
        *quote_results(
            process("B", offer(RIVAL, "9", winner=True), offer(ME, "10"), organismo="Hospital"), ME, lines_b
        ),
        *quote_results(process("C", offer(ME, "10"), deserted=True, organismo="Municipalidad"), ME),
    ]
    summary = summarize(rows)
    assert [(r.name, r.won, r.decided) for r in summary.by_product] == [("Resma", 1, 2), ("Tóner", 0, 1)]
    assert [(r.name, r.won, r.decided) for r in summary.by_buyer] == [("Hospital", 1, 2)]
