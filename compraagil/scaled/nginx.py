"""nginx (Debian's package) in front of the web processes: it serves the built frontend's files
itself and passes the backend's paths (the event socket, uploads, health, /api, /mcp, /metrics)
to the web processes in turn. Any of them can take any event: their state is in Redis."""

import shutil
import subprocess
from pathlib import Path

REFLEX_PREFIXES = ("_event", "_upload", "ping", "_health", "_all_routes", "auth-codespace")
"""Reflex's own backend endpoints (`reflex.constants.Endpoint`; tests/unit/test_scaled_config.py
keeps the two equal, the core importing no front-door framework)."""
APP_PREFIXES = ("api", "mcp", "healthz", "metrics")
"""Our own routes on the backend (REST API, payments and Telegram webhooks, MCP, health, metrics)."""


def backend_paths() -> str:
    """A location regex of every path the backend serves: Reflex's endpoints and ours."""
    return "^/(" + "|".join(sorted({*REFLEX_PREFIXES, *APP_PREFIXES})) + ")(/|$)"


def configuration(*, folder: Path, listen: str, static_dir: Path, backends: list[str]) -> str:
    """nginx.conf: on `listen` (address:port, or a port), static files from `static_dir` (their .gz
    beside them served as they are), the rest round robin to the web processes at `backends`
    (host:port; a name that resolves to several addresses counts each)."""
    servers = "\n".join(f"        server {backend} max_fails=1 fail_timeout=5s;" for backend in backends)
    return f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    log_format upstream '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                        '$request_time upstream=$upstream_addr';
    access_log {folder / "access.log"} upstream;
    client_body_temp_path {folder / "body"};
    proxy_temp_path {folder / "proxy"};
    gzip_static on;
    client_max_body_size 25m;
    upstream web {{
{servers}
        keepalive 32;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        '' '';
    }}
    server {{
        listen {listen};
        root {static_dir};
        location ~ {backend_paths()} {{
            proxy_pass http://web;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1h;
            proxy_buffering off;
        }}
        location / {{
            try_files $uri $uri.html $uri/index.html /__spa-fallback.html;
        }}
    }}
}}
"""


def write(*, folder: Path, listen: str, static_dir: Path, backends: list[str]) -> Path:
    """nginx.conf in `folder` (where nginx also keeps its logs and temporary files)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(configuration(folder=folder, listen=listen, static_dir=static_dir, backends=backends))
    return conf


def command(conf: Path) -> list[str]:
    """nginx in the foreground with `conf`."""
    program = shutil.which("nginx") or "/usr/sbin/nginx"
    error_log = str(conf.parent / "error.log")
    return [program, "-p", str(conf.parent), "-e", error_log, "-c", str(conf), "-g", "daemon off;"]


def start(*, folder: Path, port: int, static_dir: Path, backend_ports: list[int]) -> subprocess.Popen:
    """nginx on 127.0.0.1:`port` before the web processes on this machine's `backend_ports`."""
    backends = [f"127.0.0.1:{backend}" for backend in backend_ports]
    conf = write(folder=folder, listen=f"127.0.0.1:{port}", static_dir=static_dir, backends=backends)
    return subprocess.Popen(command(conf), start_new_session=True, stdin=subprocess.DEVNULL)
