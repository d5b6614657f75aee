-- +goose Up
-- The statistics of whole months, kept per month and salon (package reports, `MonthFigures`
-- in queries/stats.sql). An admin's by-salon breakdown of a month against the month before
-- otherwise aggregates 200,000 index entries of three events into 10,000 groups on every
-- request (~45 ms of CPU for each of two queries on a million sales); this table holds those
-- groups already added up, ~5,000 rows a month, read in a few milliseconds.
--
-- A row adds up the three events of the sales of one salon (and the partner and city the sales
-- carry) in one month of the company's zone: the sales that became paid contracts that month
-- (activated_at) with their amounts, the drafts begun that month (created_at) and how many of
-- them are paid contracts by now, and the sales cancelled that month (cancelled_at). These are
-- the figures of reports.Figures, so any period of whole months without a tariff or status
-- filter is answered from here, exactly as from the sales themselves.
--
-- Triggers on sales keep it in the same transaction as every write, whoever writes (the sale
-- projection, the synthetic seed's COPY, a fixture): each statement adds what its new rows
-- count and takes back what its old rows counted, aggregated per row of this table and
-- applied in key order, so a bulk load is one upsert per month and salon and two writers lock
-- shared rows in the same order. An update that changes no figure (most revisions of a sale)
-- writes nothing here.
CREATE TABLE sale_month_figures (
    month              date   NOT NULL, -- the first day of the month, in sale_figures_zone()
    salon_id           bigint NOT NULL,
    partner_id         bigint NOT NULL,
    city               text   NOT NULL,
    sales              bigint NOT NULL, -- paid contracts: activated_at in the month
    gross_kopecks      bigint NOT NULL,
    net_kopecks        bigint NOT NULL, -- Σ price_kopecks
    commission_kopecks bigint NOT NULL,
    upsell_kopecks     bigint NOT NULL,
    drafts             bigint NOT NULL, -- created_at in the month
    converted          bigint NOT NULL, -- of those, paid contracts by now
    cancellations      bigint NOT NULL, -- cancelled_at in the month
    PRIMARY KEY (month, salon_id, partner_id, city)
) WITH (fillfactor = 80); -- room for updates of the current month in place (HOT)

-- The company's zone the months are cut in. It must be the COMPANY_TZ the API runs with
-- (reports.MonthFiguresZone says which zone the Go side expects; with any other zone the
-- statistics read the sales themselves).
-- +goose StatementBegin
CREATE FUNCTION sale_figures_zone() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'Europe/Moscow'::text $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION sale_figures_month(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_trunc('month', at AT TIME ZONE sale_figures_zone())::date
$$;
-- +goose StatementEnd

-- What one sale counts, times sign (1 to add it, -1 to take it back): a row per event it has.
-- +goose StatementBegin
CREATE FUNCTION sale_figure_events(s sales, sign bigint)
RETURNS TABLE (month date, salon_id bigint, partner_id bigint, city text, sales bigint, gross_kopecks bigint,
               net_kopecks bigint, commission_kopecks bigint, upsell_kopecks bigint, drafts bigint,
               converted bigint, cancellations bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT e.month, s.salon_id, s.partner_id, s.city, e.sales, e.gross, e.net, e.commission, e.upsell,
           e.drafts, e.converted, e.cancellations
      FROM (VALUES
            (sale_figures_month(s.activated_at), sign, sign * s.gross_kopecks, sign * s.price_kopecks,
             sign * s.commission_kopecks, sign * s.upsell_kopecks, 0::bigint, 0::bigint, 0::bigint),
            (sale_figures_month(s.created_at), 0, 0, 0, 0, 0, sign,
             CASE WHEN s.activated_at IS NULL THEN 0 ELSE sign END, 0),
            (sale_figures_month(s.cancelled_at), 0, 0, 0, 0, 0, 0, 0, sign)
           ) AS e(month, sales, gross, net, commission, upsell, drafts, converted, cancellations)
     WHERE e.month IS NOT NULL
$$;
-- +goose StatementEnd

-- The triggers: the same upsert over what the statement's transition tables count (new rows
-- added, old rows taken back). A group whose figures do not change is not written.
-- +goose StatementBegin
CREATE FUNCTION sale_month_figures_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO sale_month_figures AS f
        SELECT e.month, e.salon_id, e.partner_id, e.city, sum(e.sales), sum(e.gross_kopecks), sum(e.net_kopecks),
               sum(e.commission_kopecks), sum(e.upsell_kopecks), sum(e.drafts), sum(e.converted), sum(e.cancellations)
          FROM new_sales s CROSS JOIN LATERAL sale_figure_events(s, 1) e
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (month, salon_id, partner_id, city) DO UPDATE
           SET sales = f.sales + EXCLUDED.sales, gross_kopecks = f.gross_kopecks + EXCLUDED.gross_kopecks,
               net_kopecks = f.net_kopecks + EXCLUDED.net_kopecks,
               commission_kopecks = f.commission_kopecks + EXCLUDED.commission_kopecks,
               upsell_kopecks = f.upsell_kopecks + EXCLUDED.upsell_kopecks, drafts = f.drafts + EXCLUDED.drafts,
               converted = f.converted + EXCLUDED.converted, cancellations = f.cancellations + EXCLUDED.cancellations;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO sale_month_figures AS f
        SELECT e.month, e.salon_id, e.partner_id, e.city, sum(e.sales), sum(e.gross_kopecks), sum(e.net_kopecks),
               sum(e.commission_kopecks), sum(e.upsell_kopecks), sum(e.drafts), sum(e.converted), sum(e.cancellations)
          FROM (SELECT e.* FROM new_sales s CROSS JOIN LATERAL sale_figure_events(s, 1) e
                UNION ALL
                SELECT e.* FROM old_sales s CROSS JOIN LATERAL sale_figure_events(s, -1) e) e
         GROUP BY 1, 2, 3, 4
        HAVING sum(e.sales) <> 0 OR sum(e.gross_kopecks) <> 0 OR sum(e.net_kopecks) <> 0
            OR sum(e.commission_kopecks) <> 0 OR sum(e.upsell_kopecks) <> 0 OR sum(e.drafts) <> 0
            OR sum(e.converted) <> 0 OR sum(e.cancellations) <> 0
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (month, salon_id, partner_id, city) DO UPDATE
           SET sales = f.sales + EXCLUDED.sales, gross_kopecks = f.gross_kopecks + EXCLUDED.gross_kopecks,
               net_kopecks = f.net_kopecks + EXCLUDED.net_kopecks,
               commission_kopecks = f.commission_kopecks + EXCLUDED.commission_kopecks,
               upsell_kopecks = f.upsell_kopecks + EXCLUDED.upsell_kopecks, drafts = f.drafts + EXCLUDED.drafts,
               converted = f.converted + EXCLUDED.converted, cancellations = f.cancellations + EXCLUDED.cancellations;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO sale_month_figures AS f
        SELECT e.month, e.salon_id, e.partner_id, e.city, sum(e.sales), sum(e.gross_kopecks), sum(e.net_kopecks),
               sum(e.commission_kopecks), sum(e.upsell_kopecks), sum(e.drafts), sum(e.converted), sum(e.cancellations)
          FROM old_sales s CROSS JOIN LATERAL sale_figure_events(s, -1) e
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (month, salon_id, partner_id, city) DO UPDATE
           SET sales = f.sales + EXCLUDED.sales, gross_kopecks = f.gross_kopecks + EXCLUDED.gross_kopecks,
               net_kopecks = f.net_kopecks + EXCLUDED.net_kopecks,
               commission_kopecks = f.commission_kopecks + EXCLUDED.commission_kopecks,
               upsell_kopecks = f.upsell_kopecks + EXCLUDED.upsell_kopecks, drafts = f.drafts + EXCLUDED.drafts,
               converted = f.converted + EXCLUDED.converted, cancellations = f.cancellations + EXCLUDED.cancellations;
    ELSE -- TRUNCATE
        TRUNCATE sale_month_figures;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER sale_month_figures_insert AFTER INSERT ON sales
    REFERENCING NEW TABLE AS new_sales FOR EACH STATEMENT EXECUTE FUNCTION sale_month_figures_track();
CREATE TRIGGER sale_month_figures_update AFTER UPDATE ON sales
    REFERENCING OLD TABLE AS old_sales NEW TABLE AS new_sales FOR EACH STATEMENT EXECUTE FUNCTION sale_month_figures_track();
CREATE TRIGGER sale_month_figures_delete AFTER DELETE ON sales
    REFERENCING OLD TABLE AS old_sales FOR EACH STATEMENT EXECUTE FUNCTION sale_month_figures_track();
CREATE TRIGGER sale_month_figures_truncate AFTER TRUNCATE ON sales
    FOR EACH STATEMENT EXECUTE FUNCTION sale_month_figures_track();

-- what the sales already there count (sales is locked against writes until this commits)
LOCK TABLE sales IN SHARE MODE;
INSERT INTO sale_month_figures
SELECT e.month, e.salon_id, e.partner_id, e.city, sum(e.sales), sum(e.gross_kopecks), sum(e.net_kopecks),
       sum(e.commission_kopecks), sum(e.upsell_kopecks), sum(e.drafts), sum(e.converted), sum(e.cancellations)
  FROM sales s CROSS JOIN LATERAL sale_figure_events(s, 1) e
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4;
ANALYZE sale_month_figures;

-- +goose Down
DROP TRIGGER sale_month_figures_truncate ON sales;
DROP TRIGGER sale_month_figures_delete ON sales;
DROP TRIGGER sale_month_figures_update ON sales;
DROP TRIGGER sale_month_figures_insert ON sales;
DROP FUNCTION sale_month_figures_track();
DROP FUNCTION sale_figure_events(sales, bigint);
DROP FUNCTION sale_figures_month(timestamptz);
DROP FUNCTION sale_figures_zone();
DROP TABLE sale_month_figures;
