-- +goose Up
-- Integration keys for the company's website (issue 13). The secret is shown once; only its
-- SHA-256 is stored. The prefix (ksk_live_ and eight characters of the secret) names the key in
-- lists and logs without being able to call anything.
CREATE TABLE api_keys (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL,
    prefix          text        NOT NULL UNIQUE,
    secret_hash     bytea       NOT NULL UNIQUE,
    scopes          text[]      NOT NULL,
    rate_per_minute integer     NOT NULL DEFAULT 120 CHECK (rate_per_minute BETWEEN 1 AND 100000),
    created_by      bigint      REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    rotated_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    CONSTRAINT api_keys_scopes_known CHECK (scopes <@ ARRAY['quotes', 'sales:create', 'sales:read', 'webhooks']::text[]
        AND cardinality(scopes) > 0)
);

-- +goose Down
DROP TABLE api_keys;
