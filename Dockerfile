# One image for every service: web, worker, scheduler, bot, migrate.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    PATH=/app/.tools/node_modules/.bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    && npm install --prefix .tools --no-audit --no-fund bun@1.4.4

COPY . .

# var/backups exists in the image so the named volume mounted there is created writable by the app user
RUN useradd --create-home --uid 10001 compraagil && mkdir -p /app/var/backups && chown -R compraagil /app
USER compraagil

EXPOSE 3000
CMD ["reflex", "run", "--env", "prod", "--single-port", "--frontend-port", "3000"]
