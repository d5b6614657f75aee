-- +goose Up
-- Real delivery of the mail outbox (package mail). Every message is rendered when it is
-- queued (subject, plain text and HTML in the recipient's language) and names the archived
-- documents it carries; the sender in the worker claims due rows, sends them over SMTP and
-- records the outcome:
--
--   queued ──claim──► sending ──250──► sent
--      ▲                 │ 4xx / network: back to queued with next_attempt_at later
--      └─────────────────┤ 5xx (or given up): failed, with the server's answer
--                        └ the sender died: the claim runs out and the row is claimed again
--
-- A claim is a lease (claimed_until), not a held transaction, so no connection waits on an
-- SMTP server, and a sender that crashed mid-batch leaves rows that another claims once the
-- lease has passed. The dedup key (UNIQUE since 00001) keeps a retried activity from queuing
-- a message twice; the Message-ID is made from the row's id, so a copy repeated by a crash
-- between the server's 250 and the row's update is recognisably the same message.
ALTER TABLE mail_outbox
    ADD COLUMN status          text        NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    ADD COLUMN locale          text        NOT NULL DEFAULT 'ru',
    ADD COLUMN html_body       text        NOT NULL DEFAULT '',
    ADD COLUMN user_id         bigint      REFERENCES users (id),
    ADD COLUMN attachments     uuid[]      NOT NULL DEFAULT '{}',
    ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN claimed_until   timestamptz,
    ADD COLUMN last_error      text        NOT NULL DEFAULT '',
    ADD COLUMN failed_at       timestamptz,
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();

-- mail recorded as sent before there was a sender stays sent
UPDATE mail_outbox SET status = 'sent' WHERE sent_at IS NOT NULL;

-- what the sender claims next: only unfinished rows, in the order they fall due
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status IN ('queued', 'sending');
-- the admin's «Почта» page: newest first, by status and kind
CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC, id DESC);
CREATE INDEX mail_outbox_status_idx ON mail_outbox (status, created_at DESC);

-- Wakes the sender (LISTEN mail_outbox) when mail is queued or sent again, whoever writes it;
-- the notification is delivered at commit, so the sender never looks before the row is there.
-- +goose StatementBegin
CREATE FUNCTION mail_outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mail_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER mail_outbox_queued AFTER INSERT ON mail_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_wake();
CREATE TRIGGER mail_outbox_requeued AFTER UPDATE OF status ON mail_outbox
    FOR EACH ROW WHEN (NEW.status = 'queued' AND OLD.status = 'failed') EXECUTE FUNCTION mail_outbox_wake();

-- +goose Down
DROP TRIGGER mail_outbox_requeued ON mail_outbox;
DROP TRIGGER mail_outbox_queued ON mail_outbox;
DROP FUNCTION mail_outbox_wake();
DROP INDEX mail_outbox_status_idx;
DROP INDEX mail_outbox_created_idx;
DROP INDEX mail_outbox_due_idx;
ALTER TABLE mail_outbox
    DROP COLUMN status, DROP COLUMN locale, DROP COLUMN html_body, DROP COLUMN user_id,
    DROP COLUMN attachments, DROP COLUMN attempts, DROP COLUMN next_attempt_at,
    DROP COLUMN claimed_until, DROP COLUMN last_error, DROP COLUMN failed_at, DROP COLUMN updated_at;
