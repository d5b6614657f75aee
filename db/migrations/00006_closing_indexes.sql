-- +goose Up
-- The monthly closing reads a partner's contracts activated in the month and the ledger
-- entries of each sale.
CREATE INDEX sales_partner_activated_idx ON sales (partner_id, activated_at) WHERE activated_at IS NOT NULL;
CREATE INDEX ledger_entries_sale_idx ON ledger_entries (sale_id);

-- +goose Down
DROP INDEX ledger_entries_sale_idx;
DROP INDEX sales_partner_activated_idx;
