"""Accounts: companies (one plan each), users, server-side sessions, single-use tokens, invitations,
usage counters for plan quotas, and the audit log of staff changes.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE companies (
            id           serial PRIMARY KEY,
            rut          text UNIQUE,
            name         text NOT NULL DEFAULT '',
            size         text,
            regions      smallint[] NOT NULL DEFAULT '{}',
            keywords     text[] NOT NULL DEFAULT '{}',
            plan         text NOT NULL DEFAULT 'FREE',
            supplier_id  integer REFERENCES suppliers (id) ON DELETE SET NULL,
            created_at   timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE users (
            id                 serial PRIMARY KEY,
            email              text NOT NULL UNIQUE,
            password_hash      text NOT NULL,
            email_verified_at  timestamptz,
            company_id         integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            role               text NOT NULL DEFAULT 'owner',
            is_staff           boolean NOT NULL DEFAULT false,
            created_at         timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ix_users_company_id ON users (company_id);

        CREATE TABLE user_sessions (
            id            bigserial PRIMARY KEY,
            token_hash    text NOT NULL UNIQUE,
            user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at    timestamptz NOT NULL DEFAULT now(),
            last_seen_at  timestamptz NOT NULL DEFAULT now(),
            expires_at    timestamptz NOT NULL
        );
        CREATE INDEX ix_user_sessions_user_id ON user_sessions (user_id);

        CREATE TABLE user_tokens (
            id          bigserial PRIMARY KEY,
            token_hash  text NOT NULL UNIQUE,
            user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            purpose     text NOT NULL,
            new_email   text,
            expires_at  timestamptz NOT NULL,
            used_at     timestamptz,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ix_user_tokens_user_id ON user_tokens (user_id);

        CREATE TABLE invitations (
            id           bigserial PRIMARY KEY,
            token_hash   text NOT NULL UNIQUE,
            company_id   integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            email        text NOT NULL,
            invited_by   integer REFERENCES users (id) ON DELETE SET NULL,
            expires_at   timestamptz NOT NULL,
            accepted_at  timestamptz,
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ix_invitations_company_id ON invitations (company_id);

        CREATE TABLE usage_counters (
            company_id    integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            feature       text NOT NULL,
            period_start  date NOT NULL,
            used          integer NOT NULL DEFAULT 0,
            PRIMARY KEY (company_id, feature, period_start)
        );

        CREATE TABLE audit_log (
            id             bigserial PRIMARY KEY,
            at             timestamptz NOT NULL DEFAULT now(),
            actor_user_id  integer REFERENCES users (id) ON DELETE SET NULL,
            action         text NOT NULL,
            target_type    text NOT NULL,
            target_id      integer NOT NULL,
            before         jsonb,
            after          jsonb,
            reason         text NOT NULL
        );
        CREATE INDEX ix_audit_log_target ON audit_log (target_type, target_id);
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE audit_log;
        DROP TABLE usage_counters;
        DROP TABLE invitations;
        DROP TABLE user_tokens;
        DROP TABLE user_sessions;
        DROP TABLE users;
        DROP TABLE companies;
        """
    )
