"""What a load run measured: requests, errors and times by kind, per level and product, and every
product at every level side by side."""

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = ("search", "tender", "prices", "entrar", "login", "api")


@dataclass
class Results:
    millis: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def report(
    target: str, users: int, results: Results, elapsed: float, cpu: float, load: tuple[float, ...]
) -> None:
    print(
        f"\n{target}: {users} usuarios · {elapsed:.0f} s · CPU de la máquina {cpu:.0f} % · carga {load[0]:.2f}"
    )
    print(f"{'kind':<8}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for kind in KINDS:
        millis = results.millis.get(kind, [])
        if not millis:
            continue
        errors = sum(results.errors[kind].values())
        row = [percentile(millis, f) for f in (0.5, 0.95, 0.99)]
        print(
            f"{kind:<8}{len(millis):>9}{errors:>8}"
            + "".join(f"{v:>9.0f}" for v in row)
            + f"{len(millis) / elapsed:>8.1f}"
        )
    for kind, reasons in results.errors.items():
        for reason, count in reasons.most_common(5):
            print(f"  {kind} error ×{count}: {reason}")
    pages = page_events(results)
    if pages:
        print(f"page events: p95 {percentile(pages, 0.95):.0f} ms, mean {statistics.fmean(pages):.0f} ms")


def page_events(results: Results) -> list[float]:
    return [m for kind in ("search", "tender", "prices") for m in results.millis.get(kind, [])]


def side_by_side(rows: list[tuple[str, int, Results, float]]) -> None:
    """Every target at every level: page events' and the API's percentiles, errors and throughput."""
    print("\n| users | target | page events p50 / p95 / p99 ms | events/s | api p50 / p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    for target, users, results, elapsed in rows:
        pages, api = page_events(results), results.millis.get("api", [])
        errors = sum(sum(reasons.values()) for reasons in results.errors.values())
        page_figures = " / ".join(f"{percentile(pages, f):,.0f}" for f in (0.5, 0.95, 0.99)) if pages else "–"
        api_figures = " / ".join(f"{percentile(api, f):,.0f}" for f in (0.5, 0.95)) if api else "–"
        print(
            f"| {users} | {target} | {page_figures} | {len(pages) / elapsed:.1f} | {api_figures} | {errors} |"
        )
