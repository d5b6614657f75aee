-- +goose Up
-- The notification centre, mail preferences and password reset (issue 11, items 4–6).
--
-- A notice to a user is written once, through notify_user(): an in-app notification always,
-- and a mail in mail_outbox when the user's preferences let that kind reach them by mail
-- (mail_wanted()). Every piece of code that tells a user something — the activities here and
-- the mail templates — goes through that one function, so the bell and the mailbox never
-- disagree. Mail to people without an account (customers, applicants) and the password-reset
-- mail are not notices: they go into mail_outbox directly.

-- What a user was told, for the bell. The link is a path inside the cabinets; sale, payment,
-- document and partner name what the notice is about, and the list shows a notice only while
-- the user may still see that sale or partner (a manager moved off a salon stops seeing its
-- notices, as they stop seeing its sales).
CREATE TABLE notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text        NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL DEFAULT '',
    link        text        NOT NULL DEFAULT '',
    sale_id     uuid,
    payment_id  uuid,
    document_id uuid,
    partner_id  bigint,
    -- the writer's key (the same as its mail's): a retried activity notifies once
    dedup_key   text        UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz
);
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Tasks learn what they are about and who finished them. A task with no assignee belongs to
-- every user of its role who may see its sale (resolved when read, in SQL).
ALTER TABLE tasks
    ADD COLUMN payment_id uuid,
    ADD COLUMN partner_id bigint,
    ADD COLUMN link       text   NOT NULL DEFAULT '',
    ADD COLUMN done_by    bigint REFERENCES users (id);
CREATE INDEX tasks_role_open_idx ON tasks (role) WHERE assignee_id IS NULL AND done_at IS NULL;
CREATE INDEX tasks_sale_open_idx ON tasks (sale_id) WHERE done_at IS NULL;
CREATE INDEX tasks_payment_open_idx ON tasks (payment_id) WHERE done_at IS NULL;
CREATE INDEX tasks_assignee_created_idx ON tasks (assignee_id, created_at DESC);

-- Whether a caller may see what a notice or a task is about: its sale's salon is among the
-- caller's visible_salons and its partner among visible_partners (no sale, no partner: yes).
-- +goose StatementBegin
CREATE FUNCTION notice_visible(p_sale uuid, p_partner bigint, caller_role text, caller_id bigint,
                               caller_partner bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT (p_sale IS NULL OR EXISTS (
                SELECT 1 FROM sales s
                 WHERE s.id = p_sale
                   AND s.salon_id IN (SELECT visible_salons(caller_role, caller_id, caller_partner))))
       AND (p_partner IS NULL OR p_partner IN (SELECT visible_partners(caller_role, caller_id, caller_partner)))
$$;
-- +goose StatementEnd

-- Which kinds of notice a user wants by mail. No row means yes: a new kind reaches people
-- by mail until they turn it off. In-app notices cannot be turned off.
CREATE TABLE notification_preferences (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL,
    mail       boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);

-- The one rule of whether a notice of this kind goes to this user by mail.
-- +goose StatementBegin
CREATE FUNCTION mail_wanted(p_user bigint, p_kind text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT np.mail FROM notification_preferences np
                      WHERE np.user_id = p_user AND np.kind = p_kind), true)
$$;
-- +goose StatementEnd

-- The one door for a notice to a user: the in-app notification, and the mail when
-- mail_wanted() says so, in the same statement. Both carry p_dedup_key; when the notification
-- already exists (a retry) nothing is written, so the mail is queued at most once and only
-- together with its notification. An inactive or unknown user is told nothing. Answers
-- whether a new notification was written.
-- +goose StatementBegin
CREATE FUNCTION notify_user(p_user bigint, p_kind text, p_title text, p_body text, p_link text,
                            p_sale uuid, p_payment uuid, p_document uuid, p_partner bigint,
                            p_dedup_key text) RETURNS boolean
LANGUAGE sql AS $$
    WITH recipient AS (
        SELECT u.id, u.email FROM users u WHERE u.id = p_user AND u.active
    ), noticed AS (
        INSERT INTO notifications (user_id, kind, title, body, link, sale_id, payment_id, document_id,
                                   partner_id, dedup_key)
        SELECT r.id, p_kind, p_title, p_body, p_link, p_sale, p_payment, p_document, p_partner, p_dedup_key
          FROM recipient r
        ON CONFLICT (dedup_key) DO NOTHING
        RETURNING user_id
    ), mailed AS (
        INSERT INTO mail_outbox (to_address, subject, body, kind, sale_id, dedup_key)
        SELECT r.email, p_title, p_body, p_kind, p_sale, p_dedup_key
          FROM recipient r JOIN noticed n ON n.user_id = r.id
         WHERE mail_wanted(r.id, p_kind)
        ON CONFLICT (dedup_key) DO NOTHING
        RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM noticed) OR EXISTS (SELECT 1 FROM mailed)
$$;
-- +goose StatementEnd

-- A task that the sale or the payment has settled is done by itself: the approval tasks once
-- the sale leaves the queue (approved, sent back, rejected, cancelled), every task of a sale
-- that ends without a contract, and a payment's tasks once it is paid, voided or refunded.
-- done_by stays empty: the system finished them.
-- +goose StatementBegin
CREATE FUNCTION close_settled_sale_tasks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'pending_approval' THEN
        UPDATE tasks SET done_at = now()
         WHERE sale_id = NEW.id AND done_at IS NULL
           AND kind IN ('approval_requested', 'approval_reminder', 'approval_alert');
    END IF;
    IF NEW.status IN ('cancelled', 'expired', 'rejected') THEN
        UPDATE tasks SET done_at = now() WHERE sale_id = NEW.id AND done_at IS NULL;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER sales_close_settled_tasks AFTER UPDATE OF status ON sales
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION close_settled_sale_tasks();

-- +goose StatementBegin
CREATE FUNCTION close_settled_payment_tasks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks SET done_at = now() WHERE payment_id = NEW.id AND done_at IS NULL;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER payments_close_settled_tasks AFTER UPDATE OF status ON payments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('succeeded', 'voided', 'refunded'))
    EXECUTE FUNCTION close_settled_payment_tasks();

-- Password reset links: only the SHA-256 of the 256-bit token is kept, so a leaked table
-- opens nothing; a token is spent by its first use and lapses after its hour.
CREATE TABLE password_reset_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea       NOT NULL UNIQUE,
    ip         text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_reset_tokens_user_live_idx ON password_reset_tokens (user_id) WHERE used_at IS NULL;

-- +goose Down
DROP TABLE password_reset_tokens;
DROP TRIGGER payments_close_settled_tasks ON payments;
DROP FUNCTION close_settled_payment_tasks();
DROP TRIGGER sales_close_settled_tasks ON sales;
DROP FUNCTION close_settled_sale_tasks();
DROP FUNCTION notify_user(bigint, text, text, text, text, uuid, uuid, uuid, bigint, text);
DROP FUNCTION mail_wanted(bigint, text);
DROP FUNCTION notice_visible(uuid, bigint, text, bigint, bigint);
DROP TABLE notification_preferences;
DROP INDEX tasks_assignee_created_idx, tasks_payment_open_idx, tasks_sale_open_idx, tasks_role_open_idx;
ALTER TABLE tasks DROP COLUMN done_by, DROP COLUMN link, DROP COLUMN partner_id, DROP COLUMN payment_id;
DROP TABLE notifications;
