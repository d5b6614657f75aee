-- Contract numbers: KR-<year>-<6 digits>, gap-free per year, one per sale.

-- name: GetSaleContractNumber :one
SELECT number FROM contract_numbers WHERE sale_id = $1;

-- name: BumpContractCounter :one
-- Takes the year's counter row lock until the transaction ends, so numbers are handed out
-- one at a time; a rolled-back transaction gives its number back.
INSERT INTO contract_counters (year, last_seq) VALUES ($1, 1)
ON CONFLICT (year) DO UPDATE SET last_seq = contract_counters.last_seq + 1
RETURNING last_seq;

-- name: InsertContractNumber :exec
INSERT INTO contract_numbers (sale_id, year, seq, number) VALUES ($1, $2, $3, $4);

-- name: ContractParties :one
-- Who the contract names besides the customer: the partner with its requisites, and the salon.
SELECT p.id AS partner_id, p.name AS partner_name, p.inn, p.kpp, p.ogrn, p.legal_address, p.bank_name, p.bik,
       p.bank_account, p.corr_account, sa.name AS salon_name, sa.city AS salon_city, sa.address AS salon_address
  FROM salons sa JOIN partners p ON p.id = sa.partner_id
 WHERE sa.id = $1;

-- name: ContractTariff :one
-- The tariff version a sale was rated with, as the contract names it.
SELECT t.code, tv.name, tv.version, tv.coverage
  FROM tariff_versions tv JOIN tariffs t ON t.id = tv.tariff_id
 WHERE tv.id = $1;

-- name: SaleContractDocument :one
-- The sale's current (not voided) contract PDF.
SELECT id FROM documents
 WHERE sale_id = $1 AND kind = 'contract' AND voided_at IS NULL
 ORDER BY created_at DESC
 LIMIT 1;
