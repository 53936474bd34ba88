import pytest

from compraagil.config import Settings
from compraagil.errors import ConfigurationError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """These tests describe Settings from nothing: no ambient server URLs."""
    for variable in ("DATABASE_URL", "REDIS_URL", "APP_ENV", "SECRET_KEY"):
        monkeypatch.delenv(variable, raising=False)


def test_development_defaults_need_no_secrets():
    settings = Settings(_env_file=None)
    assert settings.app_env == "development"
    assert settings.database_url is None


def test_production_refuses_placeholder_secret():
    with pytest.raises(ConfigurationError, match="SECRET_KEY: en producción"):
        Settings(
            _env_file=None, app_env="production", database_url="postgresql://db/x", redis_url="redis://r"
        )


def test_production_requires_real_servers():
    with pytest.raises(ConfigurationError, match="DATABASE_URL y REDIS_URL son obligatorias"):
        Settings(_env_file=None, app_env="production", secret_key="s3cr3t-value")


def test_env_example_lists_every_setting():
    from compraagil.config import PROJECT_ROOT

    documented = {
        line.split("=", 1)[0].strip().lstrip("# ").lower()
        for line in (PROJECT_ROOT / ".env.example").read_text().splitlines()
        if "=" in line
    }
    assert set(Settings.model_fields) <= documented
