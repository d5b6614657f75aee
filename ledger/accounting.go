package ledger

import (
	"math/big"

	"github.com/google/uuid"

	"karso.ru/prm/warranty"
)

// The accounts of the chart. Debits are positive, credits negative.
const (
	// Cash is money received: a captured card payment or a settled bank transfer.
	Cash Account = "cash"
	// Receivable is what a partner owes on an invoice not yet paid.
	Receivable Account = "receivable"
	// Revenue is the warranty price without VAT.
	Revenue Account = "revenue"
	// VATPayable is the VAT contained in the price, owed to the state.
	VATPayable Account = "vat_payable"
	// CommissionExpense is the dealer's commission as the company's cost of the sale.
	CommissionExpense Account = "commission_expense"
	// CommissionPayable is the commission owed to the dealer's partner until it is paid out.
	CommissionPayable Account = "commission_payable"
	// RefundsPayable is money owed back to the payer until the refund is made.
	RefundsPayable Account = "refunds_payable"
)

// The kinds of posting.
const (
	KindSalePaid   Kind = "sale_paid"
	KindAdjustment Kind = "adjustment"
	KindRefundPaid Kind = "refund_paid"
	KindReversal   Kind = "reversal"
)

// Payment methods, as in payments.method: they choose the account the price is debited to.
const (
	MethodCard    = "card"
	MethodInvoice = "invoice"
)

// SaleMoney is what the accounting of a sale needs. In Adjustment, Price and Commission are the
// change (positive for an upsell, negative for a downgrade).
type SaleMoney struct {
	SaleID    uuid.UUID
	PartnerID int64
	// Method is MethodCard (the money is captured: Cash) or MethodInvoice (the partner owes it:
	// Receivable).
	Method string
	// Price is what the customer pays, VAT included.
	Price warranty.Kopecks
	// Commission is the dealer's partner's commission on Price.
	Commission warranty.Kopecks
	// VATBP is the VAT rate in basis points (2000 = 20%); 0 when the company is not a VAT payer.
	VATBP int64
}

// SalePaid is the posting made once when a sale's payment succeeds: the price is debited to
// cash (card) or receivable (invoice) and credited to revenue and, when configured, VAT payable;
// the dealer's commission is an expense owed to the partner.
func SalePaid(m SaleMoney) Posting {
	return Posting{
		IdempotencyKey: "sale_paid:" + m.SaleID.String(),
		SaleID:         m.SaleID, PartnerID: m.PartnerID, Kind: KindSalePaid,
		Memo:    "sale paid",
		Entries: saleEntries(moneyAccount(m.Method), m),
	}
}

// Adjustment re-prices a sale inside the upsell window. ref names the change (the upsell or
// change-tariff payment id), so each change posts once. An increase is debited like a sale; a
// decrease is owed back to the payer (RefundsPayable) until RefundPaid.
func Adjustment(ref string, delta SaleMoney) Posting {
	debit := moneyAccount(delta.Method)
	if delta.Price < 0 {
		debit = RefundsPayable
	}
	return Posting{
		IdempotencyKey: "adjustment:" + delta.SaleID.String() + ":" + ref,
		SaleID:         delta.SaleID, PartnerID: delta.PartnerID, Kind: KindAdjustment,
		Memo:    "sale re-priced",
		Entries: saleEntries(debit, delta),
	}
}

// RefundPaid records that a refund owed after a downgrade left the company: ref is the
// provider's refund reference (or the payment id for a bank transfer).
func RefundPaid(saleID uuid.UUID, partnerID int64, ref string, amount warranty.Kopecks) Posting {
	return Posting{
		IdempotencyKey: "refund_paid:" + ref,
		SaleID:         saleID, PartnerID: partnerID, Kind: KindRefundPaid,
		Memo: "refund paid",
		Entries: []Entry{
			{RefundsPayable, amount},
			{Cash, -amount},
		},
	}
}

// Reversal negates every entry of the posting id, orig, so that the two net to zero. It is
// keyed by the original posting: a posting is reversed once.
func Reversal(id uuid.UUID, orig Posting) Posting {
	entries := make([]Entry, len(orig.Entries))
	for i, e := range orig.Entries {
		entries[i] = Entry{Account: e.Account, Amount: -e.Amount}
	}
	return Posting{
		IdempotencyKey: "reversal:" + id.String(),
		SaleID:         orig.SaleID, PartnerID: orig.PartnerID, Kind: KindReversal,
		Memo:    "reversal of " + string(orig.Kind),
		Entries: entries,
	}
}

// saleEntries splits a price into the payer's side and the company's revenue, VAT and
// commission. It balances by construction: VAT is rounded once and revenue takes the rest.
func saleEntries(debit Account, m SaleMoney) []Entry {
	vat := VATIncluded(m.Price, m.VATBP)
	return []Entry{
		{debit, m.Price},
		{Revenue, -(m.Price - vat)},
		{VATPayable, -vat},
		{CommissionExpense, m.Commission},
		{CommissionPayable, -m.Commission},
	}
}

func moneyAccount(method string) Account {
	if method == MethodInvoice {
		return Receivable
	}
	return Cash
}

// VATIncluded is the VAT contained in a price that includes it: price × vat / (10000 + vat),
// rounded once to the kopeck, half away from zero — the rounding rule of package warranty
// (warranty.PercentOf), which has no helper for a rate applied to a VAT-inclusive amount.
func VATIncluded(price warranty.Kopecks, vatBP int64) warranty.Kopecks {
	if vatBP <= 0 || price == 0 {
		return 0
	}
	num := new(big.Int).Mul(big.NewInt(int64(price)), big.NewInt(vatBP))
	den := big.NewInt(warranty.BasisPointsPerUnit + vatBP)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if twice := new(big.Int).Lsh(new(big.Int).Abs(r), 1); twice.Cmp(den) >= 0 {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	// |VAT| < |price|, so it always fits
	return warranty.Kopecks(q.Int64())
}
