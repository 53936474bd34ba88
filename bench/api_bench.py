"""REST API v1 under load: the real app (`compraagil_web.api:api`, the API mounted at /api/v1) served
by uvicorn in child processes over real HTTP, and C concurrent clients (default 200; httpx on asyncio
in this process, one connection each), each with its own PROFESIONAL key, searching with realistic
queries (product words, some with typos, comunas, open_only, region, closing within days, the three
sorts; 20 results a page).

1. Latency, with the per-key limits raised out of the way. Paced: each client pauses a random time
   (exponential) before each search, so that all of them together offer R searches/s (`--rates`);
   at each rate, first distinct searches (cold: nothing in the Redis result cache, which is fresh
   for the run; each search is computed on PostgreSQL) and then the same searches again (warm:
   answered from the cache). Then flat out, no pauses, cold and warm: the server's capacity, and
   what 200 clients waiting on each other see.
2. Limits, with the defaults (API_REQUESTS_PER_SECOND 10, API_BURST 20): all the clients hammer a
   few keys at once, flat out; per key, the searches admitted over the window can be at most
   burst + rate × seconds, and every refused one must be a 429 with a Retry-After.

Times are from sending a request to having its whole answer, measured by the clients, which share
the machine's cores with the server and PostgreSQL (their CPU is printed, with the server's and the
whole machine's). No 5xx is expected anywhere.

.venv/bin/python -m bench.api_bench [--rows 1000000] [--clients 200] [--workers 2] [--database-url URL]
"""

import argparse
import asyncio
import itertools
import random
import re
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from sqlalchemy import text

from bench.common import machine, populated_database, product_queries, report
from compraagil import devservices, migrations
from compraagil.accounts.demo import create_account
from compraagil.api_keys.service import MAX_ACTIVE_KEYS, create_key
from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.db import session_scope
from compraagil.ingest.synthetic import vocabulary
from compraagil.redis_client import redis_url
from compraagil.search.query import Sort

SEARCH = "/api/v1/tenders"
UNLIMITED = {"API_REQUESTS_PER_SECOND": "1000", "API_BURST": "1000000"}
"""Limits no client here comes near. The rate divides 1000: the limiter's script sets an expiry in
milliseconds computed from 1000 / rate, Redis refuses a fractional one, and the limiter takes that
error for Redis being down and lets every request through."""


@dataclass(frozen=True)
class Outcome:
    key: int
    sent: float
    received: float
    status: int
    """0 when no answer came: `error` says why."""
    retry_after: str | None
    error: str = ""

    @property
    def millis(self) -> float:
        return (self.received - self.sent) * 1000


@dataclass(frozen=True)
class Server:
    base: str
    process: psutil.Process

    def cpu_seconds(self) -> float:
        """CPU the uvicorn supervisor and its workers spent so far."""
        total = 0.0
        for process in [self.process, *self.process.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total


@dataclass(frozen=True)
class Run:
    outcomes: list[Outcome]
    seconds: float
    client_cpu: float
    """CPU seconds this process (all the clients) spent."""
    server_cpu: float
    machine_busy: float
    """Percent of all the machine's cores busy (PostgreSQL and Redis included)."""


def api_queries(count: int, seed: int) -> list[dict]:
    """`count` distinct searches as query parameters, in the search benchmark's mix."""
    rng = random.Random(seed)
    comunas = [c for names in vocabulary.COMUNAS.values() for c in names]
    regions = list(vocabulary.REGION_WEIGHTS)
    made: dict[tuple, dict] = {}
    for index, word in enumerate(product_queries(count * 4, seed)):
        kind = index % 4
        params: dict = {"q": word if kind != 3 else rng.choice(comunas), "sort": rng.choice(list(Sort)).value}
        if kind in (0, 1):
            params["open_only"] = "true"
        if kind == 1:
            params["region"] = rng.choice(regions)
        if kind == 0 and (days := rng.choice([None, 2, 7])):
            params["closes_within_days"] = days
        made.setdefault(tuple(sorted(params.items())), params)
        if len(made) == count:
            break
    return list(made.values())


def make_keys(count: int, label: str) -> list[str]:
    """`count` key secrets, from as many new PROFESIONAL companies as the per-company cap needs."""
    secrets = []
    with session_scope() as session:
        for number in range(-(-count // MAX_ACTIVE_KEYS)):
            user = create_account(
                session=session,
                email=f"api-bench-{label}-{number}-{time.time_ns()}@example.cl",
                password="clave-del-benchmark",
                plan="PROFESIONAL",
                company=f"API Bench {label} {number} SpA",
            )
            for _ in range(min(MAX_ACTIVE_KEYS, count - len(secrets))):
                made = create_key(session=session, user_id=user.id, company_id=user.company_id, name="bench")
                secrets.append(made.secret)
    return secrets


@contextmanager
def served(database_url: str, workers: int, log: Path, **overrides: str) -> Iterator[Server]:
    """The app served by uvicorn with `workers` processes on a free port, configured as compose
    configures the web app (statement timeout, multiprocess metrics); no access log."""
    port = devservices.free_port()
    env = child_environment(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url(),
        STATEMENT_TIMEOUT_SECONDS="15",
        PROMETHEUS_MULTIPROC_DIR=str(log.parent / f"metrics-{port}"),
        **overrides,
    )
    for name in ("API_REQUESTS_PER_SECOND", "API_BURST"):
        if name not in overrides:
            env.pop(name, None)
    command = [sys.executable, "-m", "uvicorn", "compraagil_web.api:api", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--no-access-log"]
    with log.open("a") as output:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the API server did not start; see {log}")
            time.sleep(0.2)
        yield Server(base, psutil.Process(server.pid))
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def served_limits(base: str) -> tuple[float, int]:
    """The rate and burst the server applies, as its documentation page (/api/) states them."""
    page = httpx.get(f"{base}/api/", timeout=10).text
    found = re.search(
        r"<b>Límite</b>: (\d+) solicitudes seguidas por clave y luego ([\d.]+) por segundo", page
    )
    if not found:
        raise RuntimeError("the documentation page no longer states the limits")
    return float(found[2]), int(found[1])


async def one_client(
    base: str,
    secret: str,
    key: int,
    source: Iterator[dict],
    pause: float,
    deadline: float,
    rng: random.Random,
    tls: ssl.SSLContext,
    outcomes: list[Outcome],
) -> None:
    """Search with one key until `deadline` (or `source` runs out), pausing ~`pause` s before each."""
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, verify=tls) as client:
        while True:
            if pause:
                await asyncio.sleep(min(rng.expovariate(1 / pause), max(0.0, deadline - time.perf_counter())))
            if time.perf_counter() >= deadline or (params := next(source, None)) is None:
                return
            sent = time.perf_counter()
            try:
                response = await client.get(SEARCH, params=params)
                status, retry_after, error = response.status_code, response.headers.get("retry-after"), ""
            except httpx.HTTPError as failure:
                status, retry_after, error = 0, None, type(failure).__name__
            outcomes.append(Outcome(key, sent, time.perf_counter(), status, retry_after, error))


def load(
    server: Server, secrets: list[str], clients: int, source: Iterator[dict], pause: float, seconds: float
) -> Run:
    """`clients` concurrent clients for `seconds`; client i uses key i mod len(secrets)."""
    tls = ssl.create_default_context()  # one for all: httpx makes one per client otherwise (~20 ms each)

    async def run() -> list[Outcome]:
        outcomes: list[Outcome] = []
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                one_client(
                    server.base,
                    secrets[i % len(secrets)],
                    i % len(secrets),
                    source,
                    pause,
                    deadline,
                    random.Random(i),
                    tls,
                    outcomes,
                )
                for i in range(clients)
            )
        )
        return outcomes

    psutil.cpu_percent()
    started, cpu, server_cpu = time.perf_counter(), time.process_time(), server.cpu_seconds()
    outcomes = asyncio.run(run())
    return Run(
        outcomes,
        time.perf_counter() - started,
        time.process_time() - cpu,
        server.cpu_seconds() - server_cpu,
        psutil.cpu_percent(),
    )


FIVE_XX = 0


def summarize(label: str, run: Run) -> None:
    """The answered searches' percentiles, the throughput, every status seen and who used the CPU."""
    global FIVE_XX
    statuses = Counter(o.status for o in run.outcomes)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    FIVE_XX += server_errors
    answered = [o.millis for o in run.outcomes if o.status == 200]
    if len(answered) >= 2:
        report(label, answered)
    else:
        print(f"{label:<28} n={len(answered)}")
    others = {status: n for status, n in statuses.items() if status not in (0, 200, 429) and status < 500}
    unanswered = Counter(o.error for o in run.outcomes if o.status == 0)
    print(
        f"{'':<28} {len(run.outcomes):,} requests in {run.seconds:.1f} s = {len(run.outcomes) / run.seconds:.0f}/s"
        f" · 200: {statuses[200]:,} · 429: {statuses[429]:,} · 5xx: {server_errors}"
        + (f" · other: {dict(sorted(others.items()))}" if others else "")
        + (f" · no answer: {dict(unanswered)}" if unanswered else "")
        + f" · CPU: server {run.server_cpu / run.seconds:.2f}, clients {run.client_cpu / run.seconds:.2f} cores,"
        f" machine {run.machine_busy:.0f}% busy"
    )


def latency(server: Server, secrets: list[str], args: argparse.Namespace) -> None:
    distinct = iter(api_queries(12_000, args.seed))
    print(
        f"\n1. latency · limits raised · {args.clients} clients, {len(secrets)} keys (one each),"
        f" {args.seconds:g} s a pass"
    )
    for rate in args.rates:
        pause = args.clients / rate
        asked: list[dict] = []
        cold = (asked.append(params) or params for params in distinct)
        print(f"   paced: ~{pause:.1f} s pause before each search (~{rate:g} searches/s offered)")
        summarize(
            f"@{rate:g}/s cold (distinct)", load(server, secrets, args.clients, cold, pause, args.seconds)
        )
        warm = itertools.cycle(random.Random(args.seed).sample(asked, len(asked)))
        summarize(
            f"@{rate:g}/s warm (cached)", load(server, secrets, args.clients, warm, pause, args.seconds)
        )
    print("   flat out: no pause")
    asked = []
    cold = (asked.append(params) or params for params in distinct)
    summarize("flat out, cold (distinct)", load(server, secrets, args.clients, cold, 0, args.seconds))
    warm = itertools.cycle(asked)
    summarize("flat out, warm (cached)", load(server, secrets, args.clients, warm, 0, args.seconds))


def limits(server: Server, secrets: list[str], args: argparse.Namespace) -> None:
    rate, burst = served_limits(server.base)
    print(
        f"\n2. per-key limits · the defaults, as the server states them: burst {burst}, then {rate:g}/s"
        f" · {args.clients} clients hammer {len(secrets)} keys ({args.clients // len(secrets)} each),"
        f" no pause, {args.seconds:g} s"
    )
    searches = itertools.cycle(api_queries(1_000, args.seed + 1))
    run = load(server, secrets, args.clients, searches, 0, args.seconds)
    summarize("admitted searches", run)
    by_key: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in run.outcomes:
        by_key[outcome.key].append(outcome)
    held = True
    for key, made in sorted(by_key.items()):
        window = max(o.received for o in made) - min(o.sent for o in made)
        admitted = sum(1 for o in made if o.status == 200)
        allowed = burst + rate * window
        refused = [o for o in made if o.status == 429]
        with_retry = sum(1 for o in refused if (o.retry_after or "").isdigit() and int(o.retry_after) >= 1)
        held &= admitted <= allowed and with_retry == len(refused)
        print(
            f"   key {key + 1}: {len(made):,} requests over {window:.2f} s · admitted {admitted}"
            f" ≤ allowed {allowed:.1f} (burst {burst} + {rate:g}/s × {window:.2f} s), {admitted / allowed:.0%}"
            f" · 429: {len(refused):,}, {with_retry:,} with Retry-After ≥ 1 s"
        )
    print(f"   limits {'hold' if held else 'DO NOT HOLD'} on every key")


def server_problems(log: Path) -> None:
    """Tracebacks, warnings and errors the server logged."""
    lines = log.read_text(errors="replace").splitlines()
    tracebacks = sum(1 for line in lines if line.startswith("Traceback"))
    noted = Counter(
        " ".join(line.split())[:160]
        for line in lines
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|^\w*(Error|Exception)\b.*:", line)
    )
    print(f"server log: {tracebacks} tracebacks" + "".join(f"\n   {n} × {line}" for line, n in noted.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--rates", type=lambda s: [float(r) for r in s.split(",")], default=[25.0, 50.0, 100.0],
        help="searches/s all the paced clients offer together, comma-separated",
    )  # fmt: skip
    parser.add_argument("--seconds", type=float, default=10, help="length of each pass")
    parser.add_argument("--limited-keys", type=int, default=4, help="keys hammered in the limits pass")
    parser.add_argument("--database-url", help="an already populated database (brought to the newest schema)")
    args = parser.parse_args()
    if args.database_url:
        migrations.upgrade(args.database_url)
    with populated_database(args.rows, args.seed, args.database_url) as database_url:
        with session_scope() as session:
            tenders = session.execute(text("SELECT count(*) FROM tenders")).scalar_one()
            quotes = session.execute(text("SELECT count(*) FROM quote_lines")).scalar_one()
        print(
            f"API benchmark · {machine()} · {quotes:,} quote lines, {tenders:,} tenders"
            f" · uvicorn, {args.workers} workers"
        )
        own_keys = make_keys(args.clients, "latency")
        shared_keys = make_keys(args.limited_keys, "limits")
        with tempfile.TemporaryDirectory(prefix="api-bench-") as directory:
            log = Path(directory) / "server.log"
            with served(database_url, args.workers, log, **UNLIMITED) as server:
                latency(server, own_keys, args)
            with served(database_url, args.workers, log) as server:
                limits(server, shared_keys, args)
            print(f"\n5xx over the whole run: {FIVE_XX}")
            server_problems(log)


if __name__ == "__main__":
    main()
