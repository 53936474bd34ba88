"""Application settings: every environment variable is read here and nowhere else."""

import os
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from compraagil.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRET = "change-me"


class Settings(BaseSettings):
    """Runtime configuration, from the environment or a `.env` file."""

    model_config = SettingsConfigDict(env_file=PROJECT_ROOT / ".env", extra="ignore")

    app_env: Literal["development", "test", "production"] = "development"
    secret_key: str = PLACEHOLDER_SECRET

    database_url: str | None = None
    read_database_url: str | None = None
    """A streaming replica that serves search and price reads (`compraagil.db.reading`); unset: the
    primary serves them too."""
    database_pooled: bool = False
    """DATABASE_URL and READ_DATABASE_URL go through PgBouncer in transaction mode, which cannot keep
    prepared statements (PgBouncer 1.18): psycopg prepares none."""
    redis_url: str | None = None
    data_dir: Path = PROJECT_ROOT / "var"
    embedded_redis_port: int = 6390

    web_port: int = 3000
    public_url: str = "http://localhost:3000"

    statement_timeout_seconds: int | None = Field(default=None, ge=1)
    """Queries of this process are stopped after so many seconds (set for the web app, so one slow
    query cannot hold a page forever; imports and jobs have none)."""
    prometheus_multiproc_dir: Path | None = None
    """Where each process of the web app writes its metric counts (prometheus_client's multiprocess
    mode reads the same variable); /metrics adds them up. Set for the web app by `make run` and
    compose."""
    log_level: str = "INFO"
    log_json: bool | None = None
    """JSON lines, or plain text; unset: JSON in production, plain text for a person at `make run`."""

    mercadopublico_ticket: str | None = None
    mercadopublico_api_url: str = "https://api2.mercadopublico.cl"
    cot_base_url: str = "https://transparenciachc.blob.core.windows.net/trnspchc"
    telegram_token: str | None = None
    telegram_bot_username: str = "CompraAgilBot"
    """The bot's @username (without @), for the «Vincular Telegram» deep link."""
    telegram_api_url: str = "https://api.telegram.org"
    """The Bot API server (a local fake in tests)."""
    admin_telegram_chat_id: int | None = None
    """The operators' Telegram chat: Prometheus alerts (through Alertmanager) are sent there."""
    alertmanager_webhook_token: str | None = None
    """The bearer token Alertmanager sends to /api/ops/alertmanager (unset: the route answers 404)."""
    telegram_webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    """With it the bot takes updates by webhook (/api/telegram/webhook) instead of polling; Telegram
    accepts 1–256 letters, digits, `_` and `-`."""

    gemini_api_key: str | None = None
    """With it proposals are written by Gemini (google-genai); unset: from the offline templates."""
    gemini_model: str = "gemini-2.5-flash"
    gemini_embedding_model: str = "gemini-embedding-001"
    """With GEMINI_API_KEY, tenders are embedded by this model (512 dimensions) instead of the offline one."""
    gemini_api_url: str | None = None
    """Gemini's REST base (unset: Google's own; a local fake in tests)."""

    flow_api_url: str = "https://www.flow.cl/api"
    """Flow's REST API (https://sandbox.flow.cl/api to try it; a local fake at `make run` without keys)."""
    flow_api_key: str | None = None
    flow_secret_key: str | None = None
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_url: str | None = None
    """Stripe's API base (unset: Stripe's own; a local fake at `make run` without keys)."""
    subscription_grace_days: int = Field(default=5, ge=0)
    """After a renewal fails, the paid plan is kept this many days before the company goes to FREE."""
    dev_payments_port: int = 8026
    backup_s3_bucket: str | None = None
    """With it every backup (dump and manifest) is also copied to this S3-compatible bucket, and the
    rotation applied there too."""
    backup_s3_prefix: str = "compraagil/"
    backup_s3_endpoint_url: str | None = None
    """An S3-compatible service's address (MinIO, R2, …); unset: Amazon S3."""
    backup_s3_region: str = "us-east-1"
    backup_s3_access_key: str | None = None
    backup_s3_secret_key: str | None = None
    invoice_issuer_name: str = "CompraAgil SpA"
    invoice_issuer_rut: str = "76.543.210-3"
    invoice_issuer_address: str = "Santiago, Chile"
    """Who issues the boletas and facturas (printed on every document)."""
    """`make run` without payment keys: the local «pago de prueba» servers (Flow and Stripe) listen here."""

    smtp_url: str | None = None
    """smtp://[user:password@]host:port (STARTTLS when offered), or smtps:// for TLS from the start."""
    mail_from: str = "CompraAgil <no-responder@compraagil.cl>"
    dev_smtp_port: int = 8025
    session_days: int = 30
    verify_link_hours: int = 48
    reset_link_minutes: int = 60
    invite_link_days: int = 7
    login_failures_per_account: int = 5
    login_failures_per_ip: int = 30
    login_lockout_minutes: int = 15
    api_requests_per_second: float = Field(default=10.0, gt=0)
    api_burst: int = Field(default=20, ge=1)
    """Each API key may send `api_burst` requests at once, then `api_requests_per_second`."""
    trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = ()
    """Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed."""

    @property
    def production(self) -> bool:
        """Whether this runs for real users (secure cookies, HSTS, CORS limited to PUBLIC_URL)."""
        return self.app_env == "production"

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        return _networks(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_placeholder_secrets_in_production(self) -> "Settings":
        if self.app_env == "production":
            if self.secret_key == PLACEHOLDER_SECRET:
                raise ConfigurationError(
                    "SECRET_KEY: en producción debe ser un secreto propio, no el valor de ejemplo"
                )
            if not self.database_url or not self.redis_url:
                raise ConfigurationError("DATABASE_URL y REDIS_URL son obligatorias en producción")
            if not self.smtp_url:
                raise ConfigurationError("SMTP_URL es obligatoria en producción (correos de las cuentas)")
        return self


def _networks(text: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """`10.0.0.0/8, 192.168.1.10` as networks; ConfigurationError naming TRUSTED_PROXIES otherwise."""
    try:
        return tuple(ip_network(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise ConfigurationError(
            "TRUSTED_PROXIES: escribe direcciones IP o redes (como 10.0.0.0/8) separadas por comas"
        ) from None


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment plus `overrides`, for the child processes we start."""
    return {**os.environ, **overrides}


def set_server_urls(database_url: str, redis_url: str) -> None:
    """Make DATABASE_URL and REDIS_URL these, for this process and its children; settings re-read."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    get_settings.cache_clear()
