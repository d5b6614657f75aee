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

-- The direct channel: warranties the company sells on its own website belong to a system
-- partner «Karso online» (no commission), with one salon and one system seller the sales are
-- recorded under. The seller cannot sign in (inactive, no password); the API acts as it,
-- sealed per sale like every actor.
ALTER TABLE partners ADD COLUMN channel text NOT NULL DEFAULT 'dealer' CHECK (channel IN ('dealer', 'direct'));
CREATE UNIQUE INDEX partners_one_direct_idx ON partners (channel) WHERE channel = 'direct';
INSERT INTO partners (name, inn, status, commission_bp, payment_method, channel)
VALUES ('Karso online', '0000000000', 'active', 0, 'card', 'direct');
INSERT INTO salons (partner_id, name, city, region)
SELECT id, 'Karso online — сайт', 'Москва', 'Москва' FROM partners WHERE channel = 'direct';
INSERT INTO users (email, password_hash, role, partner_id, full_name, active)
SELECT 'online@karso.system', '!', 'dealer', id, 'Karso online', false FROM partners WHERE channel = 'direct';

-- 152-ФЗ asks for a separate consent to personal-data processing: which text the customer
-- accepted, when, and from which address, kept with the sale it was given for.
CREATE TABLE personal_data_consents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id      uuid        NOT NULL UNIQUE,
    api_key_id   bigint      NOT NULL REFERENCES api_keys (id),
    text_version text        NOT NULL,
    consented_at timestamptz NOT NULL,
    customer_ip  text        NOT NULL,
    caller_ip    text        NOT NULL,
    user_agent   text        NOT NULL DEFAULT '',
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_data_consents_key_idx ON personal_data_consents (api_key_id, recorded_at DESC);

-- Idempotency-Key of the public POSTs: the first answer is kept for 24 hours and replayed to a
-- retry with the same body; status 0 marks a request still being answered.
CREATE TABLE idempotency_keys (
    api_key_id   bigint      NOT NULL REFERENCES api_keys (id),
    key          text        NOT NULL,
    route        text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       integer     NOT NULL DEFAULT 0,
    response     bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE personal_data_consents;
DELETE FROM users WHERE email = 'online@karso.system';
DELETE FROM salons WHERE partner_id IN (SELECT id FROM partners WHERE channel = 'direct');
DELETE FROM partners WHERE channel = 'direct';
ALTER TABLE partners DROP COLUMN channel;
DROP TABLE api_keys;
