from prometheus_client import REGISTRY

from compraagil import cache
from compraagil.db import session_scope
from compraagil.redis_client import get_redis
from compraagil.search.query import SearchQuery
from compraagil.search.service import search_tenders
from tests.factories import tender


def lookups(kind: str, result: str) -> float:
    return (
        REGISTRY.get_sample_value("compraagil_cache_requests_total", {"kind": kind, "result": result}) or 0.0
    )


def search(text: str):
    with session_scope() as session:
        return search_tenders(session=session, query=SearchQuery(text=text))


def seed(codigo: str, name: str) -> None:
    from datetime import timedelta

    from compraagil.ingest.api_v2.files import import_records

    import_records(
        [tender(codigo, name, items=[name], region=13, amount=1000, closes_in=timedelta(days=2))], source="t"
    )


def test_results_are_cached_with_a_ttl_and_dropped_when_an_import_lands():
    seed("1-1-COT26", "Resmas de papel carta")
    hits, misses = lookups("search", "hit"), lookups("search", "miss")

    assert search("resmas").total == 1
    assert search("resmas").total == 1
    assert (lookups("search", "hit") - hits, lookups("search", "miss") - misses) == (1, 1)
    keys = get_redis().keys("cache:search:*")
    assert len(keys) == 1 and 0 < get_redis().ttl(keys[0]) <= cache.TTL_SECONDS["search"]

    seed("1-2-COT26", "Resmas de papel oficio")
    assert search("resmas").total == 2


def test_everything_answers_when_redis_is_down(services, caplog):
    seed("1-3-COT26", "Guantes de nitrilo")
    services.stop_redis()
    try:
        first = search("guantes")
        second = search("guantes")
        seed("1-4-COT26", "Guantes de látex")  # an import still lands; invalidation is skipped
        third = search("guantes")
    finally:
        services.start_redis()
        cache._Breaker.reset()
    assert (first.total, second.total, third.total) == (1, 1, 2)
    warnings = [r for r in caplog.records if r.message == "redis unavailable: serving without cache"]
    assert len(warnings) == 1
