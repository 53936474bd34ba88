"""Counters and histograms kept in Redis, for work counted outside the web app: RQ forks a process
per job, and the CLI and the bot are processes of their own, so counts kept in their memory would
die with them. An increment is one Redis round trip; /metrics reads every figure when scraped, the
same whichever process or machine answers. With Redis down the count is lost (logged once per
process) and the work goes on.

Both keep the `prometheus_client` call shapes used at their call sites: `.labels(...).inc(n)`,
`.inc(n)`, `.labels(...).observe(seconds)`."""

import json
import logging

import redis
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily

from compraagil.redis_client import get_redis

log = logging.getLogger(__name__)

KEY = "compraagil:metrics:{name}"
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
"""Seconds, for jobs: from an alert match to an import."""

_warned = False


def _write(commands) -> None:
    """Run `commands(pipeline)` on Redis; a Redis that does not answer loses the count, nothing else."""
    global _warned
    try:
        pipeline = get_redis().pipeline(transaction=False)
        commands(pipeline)
        pipeline.execute()
    except redis.RedisError as error:
        if not _warned:
            log.warning("metric not counted: Redis does not answer", extra={"error": str(error)})
            _warned = True


def _read(key: str) -> dict:
    """A metric's fields; none when Redis does not answer (the rest of /metrics is still served)."""
    try:
        return get_redis().hgetall(key)
    except redis.RedisError as error:
        log.warning("metric not read: Redis does not answer", extra={"metric": key, "error": str(error)})
        return {}


def _labels(labelnames: tuple[str, ...], values: tuple, named: dict) -> tuple[str, ...]:
    if named:
        values = tuple(named[name] for name in labelnames)
    if len(values) != len(labelnames):
        raise ValueError(f"expected labels {labelnames}, got {values}")
    return tuple(str(value) for value in values)


class SharedCounter:
    def __init__(self, name: str, documentation: str, labelnames: tuple[str, ...] | list[str] = ()) -> None:
        self.name, self.documentation, self.labelnames = name, documentation, tuple(labelnames)
        self.key = KEY.format(name=name)

    def labels(self, *values, **named) -> "_CounterChild":
        return _CounterChild(self, _labels(self.labelnames, values, named))

    def inc(self, amount: float = 1) -> None:
        _CounterChild(self, ()).inc(amount)

    def collect(self):
        family = CounterMetricFamily(
            self.name.removesuffix("_total"), self.documentation, labels=self.labelnames
        )
        for field, value in _read(self.key).items():
            family.add_metric(json.loads(field), float(value))
        yield family


class _CounterChild:
    def __init__(self, counter: SharedCounter, values: tuple[str, ...]) -> None:
        self.counter, self.field = counter, json.dumps(values)

    def inc(self, amount: float = 1) -> None:
        if amount:
            _write(lambda pipe: pipe.hincrbyfloat(self.counter.key, self.field, amount))


class SharedHistogram:
    def __init__(
        self, name: str, documentation: str, labelnames: tuple[str, ...] | list[str] = (),
        buckets: tuple[float, ...] = DURATION_BUCKETS,
    ) -> None:  # fmt: skip
        self.name, self.documentation, self.labelnames = name, documentation, tuple(labelnames)
        self.buckets, self.key = buckets, KEY.format(name=name)

    def labels(self, *values, **named) -> "_HistogramChild":
        return _HistogramChild(self, _labels(self.labelnames, values, named))

    def collect(self):
        series: dict[tuple, dict[str, float]] = {}
        for field, value in _read(self.key).items():
            *values, part = json.loads(field)
            series.setdefault(tuple(values), {})[part] = float(value)
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, parts in series.items():
            cumulative, buckets = 0.0, []
            for bound in (*self.buckets, float("inf")):
                cumulative += parts.get(repr(bound), 0.0)
                buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
            family.add_metric(list(values), buckets, parts.get("sum", 0.0))
        yield family


class _HistogramChild:
    def __init__(self, histogram: SharedHistogram, values: tuple[str, ...]) -> None:
        self.histogram, self.values = histogram, list(values)

    def observe(self, value: float) -> None:
        bound = next((b for b in self.histogram.buckets if value <= b), float("inf"))
        key = self.histogram.key

        def commands(pipe) -> None:
            pipe.hincrby(key, json.dumps([*self.values, repr(bound)]), 1)
            pipe.hincrbyfloat(key, json.dumps([*self.values, "sum"]), value)

        _write(commands)
