// Package paymenttest makes the rows that payment and ledger tests need: a partner with a
// salon and a dealer, and a sale of theirs awaiting payment. It is for tests only.
package paymenttest

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"karso.ru/prm/db/store"
)

// Sale is a sale awaiting payment and who sold it.
type Sale struct {
	ID             uuid.UUID
	PartnerID      int64
	SellerID       int64
	ContractNumber string
}

// NewSale inserts a new partner (in the network of parent, when it is not 0) with a salon and a
// dealer, and a sale of theirs awaiting payment with a contract number.
func NewSale(ctx context.Context, db store.DBTX, parent int64) (Sale, error) {
	s := Sale{ID: uuid.New()}
	var parentID *int64
	if parent != 0 {
		parentID = &parent
	}
	unique := s.ID.String()[:8]
	s.ContractNumber = "KR-2026-" + unique
	err := db.QueryRow(ctx, `
		WITH p AS (INSERT INTO partners (name, inn, parent_id) VALUES ('Автодом ' || $2, $2, $3) RETURNING id),
		     s AS (INSERT INTO salons (partner_id, name, city) SELECT id, 'Салон', 'Москва' FROM p RETURNING id, partner_id),
		     u AS (INSERT INTO users (email, password_hash, role, partner_id)
		           SELECT 'dealer-' || $2 || '@example.ru', 'x', 'dealer', id FROM p RETURNING id),
		     sale AS (INSERT INTO sales (id, workflow_id, status, contract_number, partner_id, salon_id, seller_id,
		                                 sale_month, created_at, updated_at)
		           SELECT $1::uuid, 'sale-' || $1::uuid::text, 'awaiting_payment', $4, s.partner_id, s.id, u.id,
		                  date_trunc('month', now()), now(), now()
		             FROM s, u RETURNING partner_id, seller_id)
		SELECT partner_id, seller_id FROM sale`, s.ID, unique, parentID, s.ContractNumber).Scan(&s.PartnerID, &s.SellerID)
	if err != nil {
		return Sale{}, fmt.Errorf("insert a sale awaiting payment: %w", err)
	}
	return s, nil
}
