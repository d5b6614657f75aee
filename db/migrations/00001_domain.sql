-- +goose Up
-- The whole domain as we know it: reference data (partners, salons, users, tariffs, templates),
-- the read model of the sale workflows, payments, documents, the ledger and the audit trail.
-- Money is always bigint kopecks; rates and discounts are integer basis points (10000 = 100%).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE partners (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text        NOT NULL CHECK (length(btrim(name)) > 0),
    inn                  text        NOT NULL UNIQUE,
    kpp                  text        NOT NULL DEFAULT '',
    ogrn                 text        NOT NULL DEFAULT '',
    legal_address        text        NOT NULL DEFAULT '',
    bank_name            text        NOT NULL DEFAULT '',
    bik                  text        NOT NULL DEFAULT '',
    bank_account         text        NOT NULL DEFAULT '',
    corr_account         text        NOT NULL DEFAULT '',
    parent_id            bigint      REFERENCES partners (id),
    status               text        NOT NULL DEFAULT 'onboarding'
                                     CHECK (status IN ('onboarding', 'active', 'suspended')),
    commission_bp        integer     NOT NULL DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 10000),
    payment_method       text        NOT NULL DEFAULT 'card' CHECK (payment_method IN ('card', 'invoice')),
    deferral_days        integer     NOT NULL DEFAULT 0 CHECK (deferral_days BETWEEN 0 AND 365),
    credit_limit_kopecks bigint      NOT NULL DEFAULT 0 CHECK (credit_limit_kopecks >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX partners_parent_idx ON partners (parent_id);
CREATE INDEX partners_name_trgm_idx ON partners USING gin (name gin_trgm_ops);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL CHECK (email = lower(btrim(email)) AND email LIKE '%@%'),
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('admin', 'manager', 'dealer', 'finance')),
    partner_id    bigint      REFERENCES partners (id),
    full_name     text        NOT NULL DEFAULT '',
    phone         text        NOT NULL DEFAULT '',
    locale        text        NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
    active        boolean     NOT NULL DEFAULT true,
    failed_logins integer     NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- a dealer always belongs to a partner; the other roles work for the company itself
    CHECK ((role = 'dealer') = (partner_id IS NOT NULL))
);
-- e-mails are unique whatever their case
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_partner_idx ON users (partner_id);

CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- only a hash of the token is kept, so a leaked table cannot be replayed
    token_hash   bytea       NOT NULL UNIQUE,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip           text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE salons (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id bigint      NOT NULL REFERENCES partners (id),
    name       text        NOT NULL CHECK (length(btrim(name)) > 0),
    city       text        NOT NULL,
    region     text        NOT NULL DEFAULT '',
    address    text        NOT NULL DEFAULT '',
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX salons_partner_idx ON salons (partner_id);
CREATE INDEX salons_city_idx ON salons (city);

CREATE TABLE manager_salons (
    manager_id  bigint      NOT NULL REFERENCES users (id),
    salon_id    bigint      NOT NULL REFERENCES salons (id),
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (manager_id, salon_id)
);
CREATE INDEX manager_salons_salon_idx ON manager_salons (salon_id);

CREATE TABLE tariffs (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text        NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,31}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Editing a tariff creates a new version; publishing makes it current. A sale keeps the
-- version it was rated with, so versions are never updated once published.
CREATE TABLE tariff_versions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tariff_id       bigint      NOT NULL REFERENCES tariffs (id),
    version         integer     NOT NULL,
    name            text        NOT NULL,
    coverage        jsonb       NOT NULL DEFAULT '[]',
    terms           integer[]   NOT NULL,
    price_rules     jsonb       NOT NULL,
    eligibility     jsonb       NOT NULL,
    valid_from      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    created_by      bigint      REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tariff_id, version)
);
CREATE INDEX tariff_versions_published_idx ON tariff_versions (tariff_id, published_at DESC)
    WHERE published_at IS NOT NULL;

CREATE TABLE document_templates (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL UNIQUE,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE document_template_versions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template_id  bigint      NOT NULL REFERENCES document_templates (id),
    version      integer     NOT NULL,
    title        text        NOT NULL,
    body         text        NOT NULL,
    published_at timestamptz,
    created_by   bigint      REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (template_id, version)
);

-- The read model of each sale workflow. The workflow is the source of truth; every state
-- change is upserted here with the workflow's revision, and an older revision never wins.
CREATE TABLE sales (
    id                  uuid PRIMARY KEY,
    workflow_id         text        NOT NULL UNIQUE,
    revision            bigint      NOT NULL DEFAULT 0,
    status              text        NOT NULL CHECK (status IN ('draft', 'pending_approval', 'rejected',
                                    'expired', 'awaiting_payment', 'active', 'closed', 'cancelled')),
    contract_number     text        UNIQUE,
    partner_id          bigint      NOT NULL REFERENCES partners (id),
    salon_id            bigint      NOT NULL REFERENCES salons (id),
    seller_id           bigint      NOT NULL REFERENCES users (id),
    city                text        NOT NULL DEFAULT '',
    vin                 text        NOT NULL DEFAULT '',
    make                text        NOT NULL DEFAULT '',
    model               text        NOT NULL DEFAULT '',
    vehicle_year        integer,
    mileage_km          integer,
    engine_power_hp     integer,
    engine_volume_cc    integer,
    vehicle_category    text        NOT NULL DEFAULT '',
    vehicle_sold_on     date,
    customer_name       text        NOT NULL DEFAULT '',
    customer_phone      text        NOT NULL DEFAULT '',
    customer_email      text        NOT NULL DEFAULT '',
    customer_birth_date date,
    tariff_version_id   bigint      REFERENCES tariff_versions (id),
    tariff_code         text        NOT NULL DEFAULT '',
    term_months         integer,
    options             jsonb       NOT NULL DEFAULT '[]',
    gross_kopecks       bigint      NOT NULL DEFAULT 0,
    discount_bp         integer     NOT NULL DEFAULT 0,
    discount_kopecks    bigint      NOT NULL DEFAULT 0,
    price_kopecks       bigint      NOT NULL DEFAULT 0,
    commission_kopecks  bigint      NOT NULL DEFAULT 0,
    upsell_kopecks      bigint      NOT NULL DEFAULT 0,
    flags               jsonb       NOT NULL DEFAULT '[]',
    sale_month          date        NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    submitted_at        timestamptz,
    approved_at         timestamptz,
    activated_at        timestamptz,
    closed_at           timestamptz,
    cancelled_at        timestamptz
);
CREATE INDEX sales_partner_created_idx ON sales (partner_id, created_at DESC);
CREATE INDEX sales_salon_created_idx ON sales (salon_id, created_at DESC);
CREATE INDEX sales_status_created_idx ON sales (status, created_at DESC);
CREATE INDEX sales_created_idx ON sales (created_at DESC);
CREATE INDEX sales_month_idx ON sales (sale_month, partner_id);
CREATE INDEX sales_city_month_idx ON sales (city, sale_month);
CREATE INDEX sales_vin_idx ON sales (vin);
CREATE INDEX sales_phone_idx ON sales (customer_phone);
CREATE INDEX sales_customer_trgm_idx ON sales USING gin (customer_name gin_trgm_ops);

-- Every step of a sale as its history shows it: who, when, what changed. One row per revision,
-- so a retried projection writes it once.
CREATE TABLE sale_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id    uuid        NOT NULL REFERENCES sales (id),
    revision   bigint      NOT NULL,
    at         timestamptz NOT NULL,
    actor_id   bigint      REFERENCES users (id),
    actor_name text        NOT NULL DEFAULT '',
    action     text        NOT NULL,
    comment    text        NOT NULL DEFAULT '',
    changes    jsonb       NOT NULL DEFAULT '{}',
    UNIQUE (sale_id, revision)
);

-- Contract numbers are KR-<year>-<6 digits>, without gaps per year: the counter moves in the
-- same transaction that records the number against the sale, and a retry finds the number.
CREATE TABLE contract_counters (
    year     integer PRIMARY KEY,
    last_seq bigint  NOT NULL DEFAULT 0
);
CREATE TABLE contract_numbers (
    sale_id    uuid PRIMARY KEY,
    year       integer     NOT NULL,
    seq        bigint      NOT NULL,
    number     text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, seq)
);

CREATE TABLE payments (
    id             uuid PRIMARY KEY,
    sale_id        uuid        NOT NULL REFERENCES sales (id),
    partner_id     bigint      NOT NULL REFERENCES partners (id),
    purpose        text        NOT NULL DEFAULT 'sale' CHECK (purpose IN ('sale', 'upsell', 'refund')),
    method         text        NOT NULL CHECK (method IN ('card', 'invoice')),
    status         text        NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed',
                                                          'refunded', 'voided')),
    amount_kopecks bigint      NOT NULL CHECK (amount_kopecks >= 0),
    provider       text        NOT NULL DEFAULT '',
    provider_ref   text        NOT NULL DEFAULT '',
    pay_token      text        UNIQUE,
    attempts       integer     NOT NULL DEFAULT 0,
    next_retry_at  timestamptz,
    due_on         date,
    paid_at        timestamptz,
    reference      text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_sale_idx ON payments (sale_id);
CREATE INDEX payments_partner_status_idx ON payments (partner_id, status);
CREATE INDEX payments_status_created_idx ON payments (status, created_at DESC);
CREATE INDEX payments_provider_ref_idx ON payments (provider_ref) WHERE provider_ref <> '';

CREATE TABLE payment_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id      uuid        NOT NULL REFERENCES payments (id),
    n               integer     NOT NULL,
    idempotency_key text        NOT NULL UNIQUE,
    provider_ref    text        NOT NULL DEFAULT '',
    result          text        NOT NULL DEFAULT 'pending',
    decline_code    text        NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (payment_id, n)
);

-- Provider webhooks are deduplicated by their event id.
CREATE TABLE webhook_events (
    event_id    text PRIMARY KEY,
    provider    text        NOT NULL,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
    id         uuid PRIMARY KEY,
    sale_id    uuid        REFERENCES sales (id),
    partner_id bigint      NOT NULL REFERENCES partners (id),
    kind       text        NOT NULL,
    month      date        NOT NULL,
    blob_key   text        NOT NULL UNIQUE,
    file_name  text        NOT NULL,
    mime       text        NOT NULL,
    size_bytes bigint      NOT NULL,
    sha256     text        NOT NULL,
    voided_at  timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_partner_month_idx ON documents (partner_id, month, kind);
CREATE INDEX documents_sale_idx ON documents (sale_id);

-- Double-entry ledger: a posting is a set of entries that sums to zero, written once per
-- idempotency key.
CREATE TABLE ledger_postings (
    id              uuid PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    sale_id         uuid        REFERENCES sales (id),
    partner_id      bigint      REFERENCES partners (id),
    kind            text        NOT NULL,
    memo            text        NOT NULL DEFAULT '',
    posted_at       timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    posting_id     uuid        NOT NULL REFERENCES ledger_postings (id),
    account        text        NOT NULL,
    -- debit positive, credit negative
    amount_kopecks bigint      NOT NULL,
    partner_id     bigint      REFERENCES partners (id),
    sale_id        uuid        REFERENCES sales (id),
    posted_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_posting_idx ON ledger_entries (posting_id);
CREATE INDEX ledger_entries_partner_idx ON ledger_entries (partner_id, posted_at);

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id    bigint      REFERENCES users (id),
    actor_email text        NOT NULL DEFAULT '',
    action      text        NOT NULL,
    entity_type text        NOT NULL,
    entity_id   text        NOT NULL,
    before      jsonb,
    after       jsonb,
    request_id  text        NOT NULL DEFAULT '',
    ip          text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);

-- Mail is written to an outbox the admin can read; a sender (SMTP in production) drains it.
CREATE TABLE mail_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address text        NOT NULL,
    subject    text        NOT NULL,
    body       text        NOT NULL,
    kind       text        NOT NULL DEFAULT '',
    sale_id    uuid,
    dedup_key  text        UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);

-- Work items for people: a manager's overdue-invoice task, an admin's approval alert.
CREATE TABLE tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignee_id bigint      REFERENCES users (id),
    role        text        NOT NULL DEFAULT '',
    kind        text        NOT NULL,
    sale_id     uuid,
    title       text        NOT NULL,
    dedup_key   text        UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz
);
CREATE INDEX tasks_assignee_open_idx ON tasks (assignee_id) WHERE done_at IS NULL;

CREATE TABLE report_templates (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text        NOT NULL UNIQUE,
    name       text        NOT NULL,
    source     text        NOT NULL,
    columns    jsonb       NOT NULL,
    filters    jsonb       NOT NULL DEFAULT '{}',
    group_by   text        NOT NULL DEFAULT '',
    created_by bigint      REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE closings (
    month       date        NOT NULL,
    partner_id  bigint      NOT NULL REFERENCES partners (id),
    status      text        NOT NULL,
    sales_total bigint      NOT NULL DEFAULT 0,
    ledger_total bigint     NOT NULL DEFAULT 0,
    finished_at timestamptz,
    PRIMARY KEY (month, partner_id)
);

-- The partner and every partner below it (a distributor sees its dealers' salons).
-- +goose StatementBegin
CREATE FUNCTION partner_network(root bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE network(id) AS (
        SELECT root
        UNION
        SELECT p.id FROM partners p JOIN network n ON p.parent_id = n.id
    )
    SELECT id FROM network
$$;
-- +goose StatementEnd

-- The one definition of who may see which salon: admin and finance all, a dealer the salons of
-- their partner's network, a manager the salons assigned to them. Every query that returns
-- partner data filters through it.
-- +goose StatementBegin
CREATE FUNCTION visible_salons(caller_role text, caller_id bigint, caller_partner bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT s.id FROM salons s WHERE caller_role IN ('admin', 'finance')
    UNION ALL
    SELECT s.id FROM salons s
     WHERE caller_role = 'dealer' AND s.partner_id IN (SELECT partner_network(caller_partner))
    UNION ALL
    SELECT ms.salon_id FROM manager_salons ms WHERE caller_role = 'manager' AND ms.manager_id = caller_id
$$;
-- +goose StatementEnd

-- The partners a caller may see: their network for a dealer, the owners of assigned salons for
-- a manager, all for admin and finance.
-- +goose StatementBegin
CREATE FUNCTION visible_partners(caller_role text, caller_id bigint, caller_partner bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT p.id FROM partners p WHERE caller_role IN ('admin', 'finance')
    UNION ALL
    SELECT partner_network(caller_partner) WHERE caller_role = 'dealer'
    UNION
    SELECT s.partner_id FROM manager_salons ms JOIN salons s ON s.id = ms.salon_id
     WHERE caller_role = 'manager' AND ms.manager_id = caller_id
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION visible_partners(text, bigint, bigint);
DROP FUNCTION visible_salons(text, bigint, bigint);
DROP FUNCTION partner_network(bigint);
DROP TABLE closings, report_templates, tasks, mail_outbox, audit_log, ledger_entries, ledger_postings,
    documents, webhook_events, payment_attempts, payments, contract_numbers, contract_counters,
    sale_events, sales, document_template_versions, document_templates, tariff_versions, tariffs,
    manager_salons, salons, sessions, users, partners;
