-- +goose Up
-- The monthly closing reads a partner's contracts activated in the month and the ledger
-- entries of each sale.
CREATE INDEX sales_partner_activated_idx ON sales (partner_id, activated_at) WHERE activated_at IS NOT NULL;
CREATE INDEX ledger_entries_sale_idx ON ledger_entries (sale_id);
-- A manager's or dealer's list filtered by status reads its own salons' rows of that status
-- instead of walking every sale of the status.
CREATE INDEX sales_salon_status_created_idx ON sales (salon_id, status, created_at DESC);

-- +goose Down
DROP INDEX sales_salon_status_created_idx;
DROP INDEX ledger_entries_sale_idx;
DROP INDEX sales_partner_activated_idx;
