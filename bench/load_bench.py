r"""Realistic sessions against a running product, N concurrent virtual users at a time, on loopback.

Each virtual user loops browser sessions (a fresh tab: new client token, new websocket), pausing a
random think time (exponential, mean `--think` s) between steps:

1. most tabs are signed in already (the session cookie of a PROFESIONAL load user); one in
   `--login-every` opens Entrar anonymously (`entrar`) and submits the login form (`login`:
   LoginState.submit, until its redirect), the session cookie it gets going with later events;
2. Buscar with a product phrase (`search`: the page's hydrate + on_load, answered with the total);
3. one of the tenders found (`tender`: its on_load, then the price guidance it computes);
4. Precios for a product (`prices`: a price analysis);
5. the REST API with the account's key: `GET /api/v1/tenders?q=…` (`api`), every other time also
   `/api/v1/tenders/{codigo}`.

Page events go over the websocket the way the frontend sends them (bench/reflex_client.py) and count
once the whole answer is there; each answer is checked (a total, the tender asked for, a summary, no
page error, no unexpected redirect, a 200 with data). Per level, per kind: requests, errors,
p50/p95/p99 (ms) and throughput. The load users (carga01@carga.compraagil.cl …, one per 10 virtual
users, PROFESIONAL) are created when missing; each run revokes their earlier keys and makes new ones.

Start the products on the 1M bench database first: `make run`'s shape on port 3000 and `make
scaled`'s on 3300 (it starts the embedded server of /tmp/bench1m and copies it into its replica; the
first one uses that server as its DATABASE_URL):

    DATA_DIR=/tmp/bench1m WEB_PORT=3300 PUBLIC_URL=http://localhost:3300 EMBEDDED_REDIS_PORT=6395 \
DEV_SMTP_PORT=8125 DEV_PAYMENTS_PORT=8126 .venv/bin/python -m compraagil run --scaled --web 2 --workers 2
    DATABASE_URL='postgresql+psycopg://postgres:@/compraagil?host=/tmp/bench1m/postgres' \
DATA_DIR=/tmp/loaddata .venv/bin/python -m compraagil run

then, from the project folder, both side by side (at each level one after the other, each from a
cold cache):

    .venv/bin/python -m bench.load_bench --users 10 50 200 --seconds 30 \
        --database-url 'postgresql+psycopg://postgres:@/compraagil?host=/tmp/bench1m/postgres' \
        --target 'make run=http://127.0.0.1:3000=/tmp/loaddata/web=redis://127.0.0.1:6390/0' \
        --target 'make scaled=http://127.0.0.1:3300=/tmp/bench1m/web=redis://127.0.0.1:6395/0'

(without --database-url, DATABASE_URL names the database, where the load users are made).
"""

import argparse
import asyncio
import math
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil
from websockets.exceptions import WebSocketException

from bench.load_report import Results, report, side_by_side
from bench.load_targets import Target, empty_cache, require_loopback, target
from bench.reflex_client import FIELD, Answer, EventFailed, Frontend, ReflexSession

PASSWORD = "carga-de-prueba-compraagil-2026"
USERS_PER_ACCOUNT = 10
EVENT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Account:
    email: str
    session_token: str
    api_key: str


@dataclass(frozen=True)
class States:
    """Full names of the page states the sessions read (from the app's own classes)."""

    search: str
    tender: str
    guidance: str
    prices: str
    login: str
    auth: str

    @classmethod
    def of_app(cls) -> "States":
        from compraagil_web.pages.entrar import LoginState
        from compraagil_web.pages.prices import PricesState
        from compraagil_web.pages.search import SearchState
        from compraagil_web.pages.tender import GuidanceState, TenderState
        from compraagil_web.state import AuthState

        classes = (SearchState, TenderState, GuidanceState, PricesState, LoginState, AuthState)
        return cls(*(state.get_full_name() for state in classes))

    @property
    def cookie(self) -> str:
        """The session cookie as a client storage var."""
        return f"{self.auth}.session_token{FIELD}"


@dataclass(frozen=True)
class Plan:
    """What the virtual users share: where the product is, who they are, what they ask for."""

    base_url: str
    accounts: list[Account]
    states: States
    frontend: Frontend
    phrases: list[str]
    products: list[str]
    think: float
    login_every: int


def prepare_accounts(count: int) -> list[Account]:
    """`count` PROFESIONAL load users (created when missing), each with a fresh key and session."""
    from sqlalchemy import select

    from compraagil.accounts.demo import create_account
    from compraagil.accounts.sessions import create_session
    from compraagil.api_keys.service import create_key, list_keys, revoke_key
    from compraagil.db import session_scope
    from compraagil.models import User

    accounts = []
    with session_scope() as session:
        for number in range(1, count + 1):
            email = f"carga{number:02d}@carga.compraagil.cl"
            user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
            if user is None:
                user = create_account(
                    session=session,
                    email=email,
                    password=PASSWORD,
                    plan="PROFESIONAL",
                    company=f"Carga {number:02d}",
                )
            for key in list_keys(session=session, company_id=user.company_id):
                if key.revoked_at is None:
                    revoke_key(session=session, user_id=user.id, company_id=user.company_id, key_id=key.id)
            session.flush()
            secret = create_key(
                session=session, user_id=user.id, company_id=user.company_id, name="carga"
            ).secret
            accounts.append(Account(email, create_session(session=session, user_id=user.id), secret))
    return accounts


async def measured(results: Results, kind: str, work) -> object | None:
    """Await `work`, timing it under `kind`; None (and an error counted) when it failed."""
    started = time.perf_counter()
    try:
        value = await work
    except (EventFailed, WebSocketException, httpx.HTTPError, ValueError, OSError) as error:
        results.millis[kind].append((time.perf_counter() - started) * 1000)
        results.errors[kind][f"{type(error).__name__}: {str(error)[:90]}"] += 1
        return None
    results.millis[kind].append((time.perf_counter() - started) * 1000)
    return value


def check(answer: Answer, *problems: str | bool) -> Answer:
    """`answer`, or a ValueError naming what is wrong with it (a page error or a redirect included)."""
    found = [
        answer.page_error and f"page error {answer.page_error!r}",
        answer.redirect and f"redirect to {answer.redirect}",
        *problems,
    ]
    if found := [str(problem) for problem in found if problem]:
        raise ValueError("; ".join(found))
    return answer


class VirtualUser:
    def __init__(self, number: int, plan: Plan, api: httpx.AsyncClient, results: Results, seed: int):
        self.plan, self.api, self.results = plan, api, results
        self.rng = random.Random(seed * 1000 + number)
        self.account = plan.accounts[number // USERS_PER_ACCOUNT % len(plan.accounts)]
        self.sessions = 0

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self.sessions += 1
            await self.session(deadline)

    async def pause(self) -> None:
        await asyncio.sleep(self.rng.expovariate(1 / self.plan.think) if self.plan.think else 0)

    async def session(self, deadline: float) -> None:
        """One tab, from opening to closing; a failed step closes it (the next tab starts afresh)."""
        states, phrase = self.plan.states, self.rng.choice(self.plan.phrases)
        logs_in = self.plan.login_every and self.sessions % self.plan.login_every == 0
        cookie = "" if logs_in else self.account.session_token
        tab = ReflexSession(self.plan.base_url, cookies={states.cookie: cookie}, frontend=self.plan.frontend)
        try:
            if logs_in and not await self.log_in(tab):
                return
            answer = await measured(self.results, "search", self.search(tab, phrase, first=not logs_in))
            if answer is None or time.monotonic() > deadline:
                return
            rows = answer.var(states.search, "rows") or []
            codigo = self.rng.choice(rows)["codigo"] if rows else ""
            if codigo:
                await self.pause()
                if await measured(self.results, "tender", self.tender(tab, codigo)) is None:
                    return
            await self.pause()
            product = self.rng.choice(self.plan.products)
            if await measured(self.results, "prices", self.prices(tab, product)) is None:
                return
            await self.pause()
            await measured(self.results, "api", self.call_api(phrase, codigo))
            await self.pause()
        finally:
            await tab.close()

    async def log_in(self, tab: ReflexSession) -> bool:
        """Entrar as a new tab, then its form; True when the tab holds a new session cookie."""
        states = self.plan.states
        if await measured(self.results, "entrar", tab.open("/entrar", timeout=EVENT_TIMEOUT)) is None:
            return False
        form = {"form": {"email": self.account.email, "password": PASSWORD}}
        answer = await measured(
            self.results,
            "login",
            tab.call(
                f"{states.login}.submit",
                form,
                "/entrar",
                done=lambda a: a.redirect is not None,
                timeout=EVENT_TIMEOUT,
            ),
        )
        return answer is not None and bool(tab.cookies[states.cookie])

    async def search(self, tab: ReflexSession, phrase: str, *, first: bool):
        states = self.plan.states
        load = tab.open if first else tab.navigate
        answer = await load("/buscar", {"q": phrase}, settled=[states.search], timeout=EVENT_TIMEOUT)
        return check(answer, not answer.var(states.search, "total_label") and "no results total")

    async def tender(self, tab: ReflexSession, codigo: str):
        states = self.plan.states
        answer = await tab.navigate(
            f"/licitacion/{quote(codigo)}",
            params={"codigo": codigo},
            settled=[states.tender, states.guidance],
            timeout=EVENT_TIMEOUT,
        )
        return check(
            answer,
            answer.var(states.tender, "codigo") != codigo and "another tender",
            answer.var(states.guidance, "login_href") and "guidance asked to sign in",
        )

    async def prices(self, tab: ReflexSession, product: str):
        states = self.plan.states
        answer = await tab.navigate(
            "/precios", {"producto": product}, settled=[states.prices], timeout=EVENT_TIMEOUT
        )
        summary = answer.var(states.prices, "summary") or {}
        return check(answer, not summary.get("product") and "no price analysis")

    async def call_api(self, phrase: str, codigo: str) -> None:
        headers = {"Authorization": f"Bearer {self.account.api_key}"}
        response = await self.api.get("/api/v1/tenders", params={"q": phrase}, headers=headers)
        if response.status_code != 200 or "data" not in response.json():
            raise ValueError(f"GET /api/v1/tenders: {response.status_code}")
        if codigo and self.rng.random() < 0.5:
            response = await self.api.get(f"/api/v1/tenders/{quote(codigo)}", headers=headers)
            if response.status_code != 200:
                raise ValueError(f"GET /api/v1/tenders/{{codigo}}: {response.status_code}")


async def run_level(plan: Plan, users: int, seconds: float, seed: int) -> tuple[Results, float]:
    """`users` virtual users (started over the first few seconds) until `seconds` have passed."""
    results = Results()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=plan.base_url, limits=limits, timeout=EVENT_TIMEOUT) as api:
        started = time.monotonic()
        deadline = started + seconds
        ramp = min(5.0, seconds / 4)

        async def start(number: int) -> None:
            await asyncio.sleep(ramp * number / users)
            await VirtualUser(number, plan, api, results, seed).run(deadline)

        await asyncio.gather(*(start(number) for number in range(users)))
    return results, time.monotonic() - started


def product_names() -> list[str]:
    from compraagil.ingest.synthetic import vocabulary

    return [name for items in vocabulary.PRODUCT_FAMILIES.values() for name, _, _ in items]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--target",
        type=target,
        action="append",
        help="NAME=URL=WEB_DIR[=REDIS_URL]: a running product (loopback only) and its DATA_DIR/web,"
        " where the compiled frontend's state hashes are read; with its Redis, its cache is emptied"
        " before each level (every level starts cold). Repeat to compare products, measured one after"
        " the other at each level (default: make run's, http://127.0.0.1:3000 and /tmp/loaddata/web)",
    )
    parser.add_argument("--database-url", help="the product's database, to make the load users and keys")
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's steps (s)")
    parser.add_argument("--login-every", type=int, default=5, help="one session in N logs in (0: never)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    args.target = args.target or [Target("make run", "http://127.0.0.1:3000", Path("/tmp/loaddata/web"))]
    return args


def main() -> None:
    args = arguments()
    for each in args.target:
        require_loopback(each.base_url, args.database_url)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    from bench.common import product_queries

    accounts = prepare_accounts(max(1, math.ceil(max(args.users) / USERS_PER_ACCOUNT)))
    plans = []
    for each in args.target:
        frontend = Frontend.from_web_dir(each.web_dir)
        if not frontend.initial_state_hashes:
            print(f"no compiled frontend in {each.web_dir}: hydrates ask for the full state")
        plan = Plan(
            base_url=each.base_url,
            accounts=accounts,
            states=States.of_app(),
            frontend=frontend,
            phrases=product_queries(400, args.seed),
            products=product_names(),
            think=args.think,
            login_every=args.login_every,
        )
        plans.append((each, plan))
    print(f"{len(accounts)} cuentas PROFESIONAL de carga; {os.cpu_count()} núcleos; think {args.think} s")
    rows = []
    for users in args.users:
        for each, plan in plans:
            if each.redis_url:
                empty_cache(each.redis_url)
            load = os.getloadavg()
            psutil.cpu_percent(None)
            results, elapsed = asyncio.run(run_level(plan, users, args.seconds, args.seed))
            report(each.name, users, results, elapsed, psutil.cpu_percent(None), load)
            rows.append((each.name, users, results, elapsed))
    side_by_side(rows)


if __name__ == "__main__":
    main()
