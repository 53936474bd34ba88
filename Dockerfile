# One image for every service: web, worker, scheduler, bot, migrate, and nginx and PgBouncer (Debian's,
# configured by `python -m compraagil proxy`).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    PATH=/app/.tools/node_modules/.bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm curl nginx-light pgbouncer \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    && npm install --prefix .tools --no-audit --no-fund bun@1.4.4

COPY . .

# var/backups and frontend exist in the image so the named volumes mounted there are created writable
# by the app user
RUN useradd --create-home --uid 10001 compraagil && mkdir -p /app/var/backups /app/frontend \
    && chown -R compraagil /app
USER compraagil

EXPOSE 3000 8000 6432
CMD ["reflex", "run", "--env", "prod", "--single-port", "--frontend-port", "3000"]
