-- Who may use the dashboard: members (users, their API tokens) and review-link visitors (review_links).
-- Secrets are never stored: passwords as ASP.NET Core password-hasher hashes, tokens and links as SHA-256.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_name     text        NOT NULL UNIQUE CHECK (user_name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    display_name  text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash text        NOT NULL,
    is_admin      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    hint         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE review_links (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash     bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    kind           text        NOT NULL CHECK (kind IN ('run', 'experiment', 'comparison')),
    target         text        NOT NULL CHECK (target ~ '^[1-9][0-9]*(,[1-9][0-9]*)*$'),
    label          text        NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    created_by     bigint      NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    last_opened_at timestamptz,
    open_count     integer     NOT NULL DEFAULT 0
);
CREATE INDEX review_links_created_at ON review_links (created_at DESC);
