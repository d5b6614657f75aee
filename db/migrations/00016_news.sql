-- +goose Up
-- News and announcements. An item is addressed by its audience: roles (empty: every role) and,
-- for dealers, partners (with their networks), regions and cities of the partners' salons (all
-- empty: every partner). Staff are addressed by role alone. The body is kept as the author's
-- Markdown and as the sanitised HTML rendered from it, so a page never renders Markdown itself.

CREATE TABLE news (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               text        NOT NULL CHECK (length(btrim(title)) > 0),
    body_md             text        NOT NULL DEFAULT '',
    body_html           text        NOT NULL DEFAULT '',
    author_id           bigint      NOT NULL REFERENCES users (id),
    status              text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    -- a published item is shown from publish_at on (a time in the future schedules it)
    publish_at          timestamptz,
    pinned              boolean     NOT NULL DEFAULT false,
    requires_ack        boolean     NOT NULL DEFAULT false,
    -- who has not acknowledged is reminded after remind_after_days, their managers told after
    -- escalate_after_days more
    remind_after_days   integer     NOT NULL DEFAULT 3 CHECK (remind_after_days BETWEEN 1 AND 90),
    escalate_after_days integer     NOT NULL DEFAULT 4 CHECK (escalate_after_days BETWEEN 1 AND 90),
    audience_roles      text[]      NOT NULL DEFAULT '{}'
                                    CHECK (audience_roles <@ ARRAY['admin', 'manager', 'dealer', 'finance']),
    audience_partners   bigint[]    NOT NULL DEFAULT '{}',
    audience_regions    text[]      NOT NULL DEFAULT '{}',
    audience_cities     text[]      NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    archived_at         timestamptz,
    CHECK ((status = 'draft') = (publish_at IS NULL))
);
CREATE INDEX news_feed_idx ON news (pinned DESC, publish_at DESC) WHERE status = 'published';
CREATE INDEX news_author_idx ON news (author_id, created_at DESC);

-- Who opened and who acknowledged an item.
CREATE TABLE news_reads (
    news_id         bigint      NOT NULL REFERENCES news (id) ON DELETE CASCADE,
    user_id         bigint      NOT NULL REFERENCES users (id),
    read_at         timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    PRIMARY KEY (news_id, user_id)
);
CREATE INDEX news_reads_user_idx ON news_reads (user_id);

-- The files of an item, kept in the blob store: a cover image, and attachments.
CREATE TABLE news_attachments (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    news_id    bigint      NOT NULL REFERENCES news (id) ON DELETE CASCADE,
    cover      boolean     NOT NULL DEFAULT false,
    file_name  text        NOT NULL CHECK (length(btrim(file_name)) > 0),
    mime       text        NOT NULL,
    size_bytes bigint      NOT NULL CHECK (size_bytes > 0),
    blob_key   text        NOT NULL UNIQUE,
    created_by bigint      NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_attachments_news_idx ON news_attachments (news_id, created_at);
-- one cover an item
CREATE UNIQUE INDEX news_attachments_cover_key ON news_attachments (news_id) WHERE cover;

-- Whether an item is addressed to a user of the role and partner given.
-- +goose StatementBegin
CREATE FUNCTION news_addressed(n news, user_role text, user_partner bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT (cardinality(n.audience_roles) = 0 OR user_role = ANY (n.audience_roles))
       AND (user_role <> 'dealer'
            OR (cardinality(n.audience_partners) = 0 AND cardinality(n.audience_regions) = 0
                AND cardinality(n.audience_cities) = 0)
            OR EXISTS (SELECT 1 FROM unnest(n.audience_partners) ap
                        WHERE user_partner IN (SELECT partner_network(ap)))
            OR EXISTS (SELECT 1 FROM salons s
                        WHERE s.partner_id IN (SELECT partner_network(user_partner))
                          AND (s.region = ANY (n.audience_regions) OR s.city = ANY (n.audience_cities))))
$$;
-- +goose StatementEnd

-- The news a caller may open: admins every item; a manager what is published to them and what
-- they wrote; others what is published and addressed to them. The one definition every news
-- query filters through.
-- +goose StatementBegin
CREATE FUNCTION visible_news(caller_role text, caller_id bigint, caller_partner bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT n.id FROM news n WHERE caller_role = 'admin'
    UNION ALL
    SELECT n.id FROM news n WHERE caller_role = 'manager' AND n.author_id = caller_id
    UNION
    SELECT n.id FROM news n
     WHERE caller_role <> 'admin' AND n.status = 'published' AND n.publish_at <= now()
       AND news_addressed(n, caller_role, NULLIF(caller_partner, 0))
$$;
-- +goose StatementEnd

-- The active users an item is addressed to: who must acknowledge it.
-- +goose StatementBegin
CREATE FUNCTION news_audience(item bigint) RETURNS TABLE (user_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT u.id FROM news n JOIN users u ON u.active
     WHERE n.id = item AND news_addressed(n, u.role, u.partner_id)
$$;
-- +goose StatementEnd

-- An announcement's notice in the bell opens the news (its mail carries the item's own link).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION notice_link(p_kind text, p_sale uuid) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_sale IS NOT NULL THEN '/sales/' || p_sale
        WHEN p_kind = 'month_closed' THEN '/documents'
        WHEN p_kind = 'closing_ledger_mismatch' THEN '/finance/closings'
        WHEN p_kind IN ('news_published', 'news_reminder') THEN '/news'
        WHEN p_kind = 'news_escalation' THEN '/news'
        ELSE ''
    END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION notice_link(p_kind text, p_sale uuid) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_sale IS NOT NULL THEN '/sales/' || p_sale
        WHEN p_kind = 'month_closed' THEN '/documents'
        WHEN p_kind = 'closing_ledger_mismatch' THEN '/finance/closings'
        ELSE ''
    END
$$;
-- +goose StatementEnd
DROP FUNCTION news_audience(bigint);
DROP FUNCTION visible_news(text, bigint, bigint);
DROP FUNCTION news_addressed(news, text, bigint);
DROP TABLE news_attachments, news_reads, news;
