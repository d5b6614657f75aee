-- +goose Up
-- Sales that need an operator: the read model could not take a revision (PostgreSQL refused a
-- value; the workflow went on, see workflows.sale.projected), or the contract has failed and
-- not been issued for more than ten minutes. The admin's «Зависшие продажи» page and the
-- karso_sales_stuck metric read the view.
CREATE TABLE sale_projection_faults (
    sale_id  uuid PRIMARY KEY,
    revision bigint      NOT NULL,
    error    text        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);

CREATE VIEW stuck_sales AS
SELECT f.sale_id, 'read_model_behind'::text AS reason, f.at AS since, f.error AS detail,
       s.revision AS stored_revision, f.revision AS workflow_revision
  FROM sale_projection_faults f LEFT JOIN sales s ON s.id = f.sale_id
 WHERE s.id IS NULL OR s.revision < f.revision
UNION ALL
SELECT s.id, 'contract_failing', e.at, e.comment, s.revision, s.revision
  FROM sales s
  JOIN LATERAL (SELECT ev.at, ev.comment, ev.revision FROM sale_events ev
                 WHERE ev.sale_id = s.id AND ev.action = 'contract_failed'
                 ORDER BY ev.revision DESC LIMIT 1) e ON true
 -- the number may already be allocated when the PDF fails: what counts is that no contract
 -- was issued after the failure
 WHERE s.status IN ('draft', 'pending_approval')
   AND NOT EXISTS (SELECT 1 FROM sale_events ok WHERE ok.sale_id = s.id
                    AND ok.action = 'contract_issued' AND ok.revision > e.revision)
   AND e.at < now() - interval '10 minutes';

-- +goose Down
DROP VIEW stuck_sales;
DROP TABLE sale_projection_faults;
