-- +goose Up
-- The notification centre, mail preferences and password reset (issue 11, items 4–6).
--
-- Every notice to a user is a mail queued for them in mail_outbox — whoever queues it (the
-- activities here, the mail templates of package mail). One trigger on mail_outbox,
-- notice_from_mail(), turns each such row into the user's in-app notification (the bell) and
-- keeps the mail itself only when the user's preferences let that kind reach them by mail
-- (mail_wanted()). So the bell and the mailbox never disagree, and no writer can forget the
-- preferences. Mail to people without an account (customers) and the password-reset mail are
-- not notices: the trigger lets them through untouched.

-- What a user was told, for the bell. The link is a path inside the cabinets; the list shows
-- a notice only while the user may still see its sale (a manager moved off a salon stops
-- seeing its notices, as they stop seeing its sales).
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL,
    title      text        NOT NULL,
    body       text        NOT NULL DEFAULT '',
    link       text        NOT NULL DEFAULT '',
    sale_id    uuid,
    -- the mail's dedup key: a retried activity notifies once
    dedup_key  text        UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
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

-- Mail that is not a notice to a user: the customer's (payment links, receipts, documents)
-- and the password-reset link, which must arrive whatever the preferences say.
-- +goose StatementBegin
CREATE FUNCTION mail_is_notice(p_kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_kind NOT IN ('password_reset', 'payment_link', 'payment_retry', 'contract_paid', 'upsell_receipt',
                          'addendum', 'cancellation')
$$;
-- +goose StatementEnd

-- The page of the cabinets a notice links to.
-- +goose StatementBegin
CREATE FUNCTION notice_link(p_kind text, p_sale uuid) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_sale IS NOT NULL THEN '/sales/' || p_sale
        WHEN p_kind = 'month_closed' THEN '/documents'
        WHEN p_kind = 'closing_ledger_mismatch' THEN '/finance/closings'
        ELSE ''
    END
$$;
-- +goose StatementEnd

-- For every row queued into mail_outbox: when it is a notice to an active user, write their
-- notification (always) and keep the mail only if mail_wanted() — otherwise the row is not
-- inserted at all, so nothing is sent and the «Почта» page does not list it. The user is the
-- row's user_id where the outbox has that column and the writer set it (package mail does for
-- users), else the active user whose e-mail the row is addressed to; mail_is_notice() keeps a
-- customer's mail out even when a user shares the address. The notification takes the mail's
-- dedup key: a retry that queues the mail again writes nothing.
-- +goose StatementBegin
CREATE FUNCTION notice_from_mail() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_json  jsonb := to_jsonb(NEW);
    recipient bigint;
BEGIN
    IF NOT mail_is_notice(NEW.kind) THEN
        RETURN NEW;
    END IF;
    IF row_json ->> 'user_id' IS NOT NULL THEN
        SELECT u.id INTO recipient FROM users u WHERE u.id = (row_json ->> 'user_id')::bigint AND u.active;
    ELSE
        SELECT u.id INTO recipient FROM users u WHERE lower(u.email) = lower(btrim(NEW.to_address)) AND u.active;
    END IF;
    IF recipient IS NULL THEN
        RETURN NEW;
    END IF;
    INSERT INTO notifications (user_id, kind, title, body, link, sale_id, dedup_key)
    VALUES (recipient, NEW.kind, NEW.subject, NEW.body, notice_link(NEW.kind, NEW.sale_id), NEW.sale_id, NEW.dedup_key)
    ON CONFLICT (dedup_key) DO NOTHING;
    IF mail_wanted(recipient, NEW.kind) THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER mail_outbox_notice BEFORE INSERT ON mail_outbox
    FOR EACH ROW EXECUTE FUNCTION notice_from_mail();

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
DROP TRIGGER mail_outbox_notice ON mail_outbox;
DROP FUNCTION notice_from_mail();
DROP FUNCTION notice_link(text, uuid);
DROP FUNCTION mail_is_notice(text);
DROP FUNCTION mail_wanted(bigint, text);
DROP FUNCTION notice_visible(uuid, bigint, text, bigint, bigint);
DROP TABLE notification_preferences;
DROP INDEX tasks_assignee_created_idx, tasks_payment_open_idx, tasks_sale_open_idx, tasks_role_open_idx;
ALTER TABLE tasks DROP COLUMN done_by, DROP COLUMN link, DROP COLUMN partner_id, DROP COLUMN payment_id;
DROP TABLE notifications;
