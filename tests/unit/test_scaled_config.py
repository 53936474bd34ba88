"""The scaled topology's configuration files as written: nginx passes exactly the backend's paths to
the web processes (the rest are the frontend's files), and PgBouncer's pools carry the session
settings every connection of ours gets, with a password when the servers have one."""

import re
from pathlib import Path

from fastapi.routing import APIRoute
from reflex.constants import Endpoint

from compraagil.db import SESSION_SETTINGS
from compraagil.scaled import nginx, pgbouncer
from compraagil_web.api import api

BACKEND = re.compile(nginx.backend_paths())


def test_nginx_knows_every_endpoint_reflex_serves():
    assert set(nginx.REFLEX_PREFIXES) == {endpoint.value for endpoint in Endpoint}


def test_nginx_passes_every_backend_route_and_no_page():
    ours = [route.path for route in api.routes if isinstance(route, APIRoute)]
    for path in [
        *ours,
        "/api/v1/tenders",
        "/mcp",
        "/_event/",
        "/_upload",
        "/ping",
        "/_health",
        "/_all_routes",
    ]:
        assert BACKEND.match(path), path
    for path in [
        "/",
        "/buscar",
        "/licitacion/1234-5-COT26",
        "/precios",
        "/api-docs",
        "/metricsx",
        "/assets/a.js",
    ]:
        assert not BACKEND.match(path), path


def test_nginx_configuration_serves_the_frontend_and_balances_the_backends(tmp_path: Path):
    conf = nginx.configuration(
        folder=tmp_path,
        listen="127.0.0.1:3000",
        static_dir=Path("/srv/web"),
        backends=["127.0.0.1:8001", "web:8000"],
    )
    assert "listen 127.0.0.1:3000;" in conf and "root /srv/web;" in conf
    assert "server 127.0.0.1:8001 " in conf and "server web:8000 " in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf  # the event socket
    assert "try_files $uri $uri.html $uri/index.html /__spa-fallback.html;" in conf


def test_every_pool_gets_our_session_settings_and_the_web_pools_the_timeout(tmp_path: Path):
    local = pgbouncer.Server.of("postgresql+psycopg://postgres:@/compraagil?host=/tmp/pg")
    conf = pgbouncer.configuration(
        folder=tmp_path, listen="127.0.0.1", port=6432, primary=local, replica=local, web_timeout_seconds=15
    )
    pools = dict(line.split(" = ", 1) for line in conf.split("[pgbouncer]")[0].splitlines()[1:] if line)
    assert set(pools) == {pgbouncer.WEB, pgbouncer.READS, pgbouncer.JOBS}
    for name, pool in pools.items():
        for setting, value in SESSION_SETTINGS.items():
            assert f"SET {setting} = ''{value}''" in pool
        assert ("statement_timeout = ''15s''" in pool) == (name != pgbouncer.JOBS)
        assert ("pool_mode=session" in pool) == (name == pgbouncer.JOBS)
    assert "host=/tmp/pg port=5432" in pools[pgbouncer.WEB]
    assert "auth_type = trust" in conf


def test_servers_with_a_password_make_clients_log_in_with_it(tmp_path: Path):
    primary = pgbouncer.Server.of("postgresql://compraagil:s3creto@postgres:5432/compraagil")
    replica = pgbouncer.Server.of("postgresql://compraagil:s3creto@postgres-replica:5432/compraagil")
    ini = pgbouncer.write(
        folder=tmp_path,
        listen="0.0.0.0",
        port=6432,
        primary=primary,
        replica=replica,
        web_timeout_seconds=None,
    )
    conf = ini.read_text()
    assert "auth_type = scram-sha-256" in conf and "host=postgres-replica port=5432" in conf
    assert "password=s3creto" in conf and "statement_timeout" not in conf
    assert (tmp_path / "userlist.txt").read_text() == '"compraagil" "s3creto"\n'
    assert ini.stat().st_mode & 0o077 == 0, "the password stays private"
