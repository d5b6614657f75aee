-- +goose Up
-- The whole state of every sale as its page shows it (issue 9): the workflow's query answer
-- (workflows.SaleState as JSON — vehicle, customer, tariff, quote, flags, comments, payments,
-- changes, dates) at the revision the projection wrote it. The sale page reads it when the
-- workflow cannot answer (no worker, Temporal down) and for every final sale, whose workflow
-- Temporal removes after the namespace's retention. A table of its own rather than a column of
-- sales keeps the rows that the lists and statistics scan narrow.
CREATE TABLE sale_states (
    sale_id  uuid   PRIMARY KEY REFERENCES sales (id),
    revision bigint NOT NULL,
    state    jsonb  NOT NULL
);

-- +goose Down
DROP TABLE sale_states;
