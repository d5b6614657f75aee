// Package ledger is the accounting archive's double-entry ledger. A Posting is a set of entries
// (debit positive, credit negative) that sums to zero; Post writes it in one transaction and
// exactly once per idempotency key, so a worker that dies between payment and posting and is
// retried posts once. The accounting of each business event (a sale paid, an upsell or refund,
// a cancellation) is written once, in the builders of accounting.go.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// Errors Post refuses a posting with; none of them is worth retrying.
var (
	// ErrUnbalanced means the entries do not sum to zero.
	ErrUnbalanced = errors.New("ledger posting does not balance")
	// ErrNoEntries means fewer than two non-zero entries: nothing would move.
	ErrNoEntries = errors.New("ledger posting has no entries")
	// ErrNoIdempotencyKey means the posting could be written twice.
	ErrNoIdempotencyKey = errors.New("ledger posting has no idempotency key")
	// ErrPostingNotFound is what Reverse answers for an unknown posting.
	ErrPostingNotFound = errors.New("ledger posting not found")
)

// Account names a ledger account.
type Account string

// Kind says what business event a posting records.
type Kind string

// Entry moves Amount on one account: positive is a debit, negative a credit.
type Entry struct {
	Account Account
	Amount  warranty.Kopecks
}

// Posting is one business event in the ledger. SaleID and PartnerID are optional (zero = none)
// and are copied to every entry so balances can be read per sale and per partner.
type Posting struct {
	// IdempotencyKey makes the posting happen once: a second Post with the same key does nothing.
	IdempotencyKey string
	SaleID         uuid.UUID
	PartnerID      int64
	Kind           Kind
	Memo           string
	Entries        []Entry
}

// DB is a pool or a transaction: Post nests in a caller's transaction as a savepoint.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Post writes p in one transaction and returns its id. A key that was posted before (even by a
// concurrent caller) is not posted again: the first posting's id comes back. Entries of zero
// are left out. Run it at READ COMMITTED (PostgreSQL's default), where a concurrent insert of
// the same key waits for the first and then reads its id.
func Post(ctx context.Context, db DB, p Posting) (uuid.UUID, error) {
	entries, err := p.check()
	if err != nil {
		return uuid.Nil, fmt.Errorf("post %q: %w", p.IdempotencyKey, err)
	}
	var id uuid.UUID
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		id, err = insertOnce(ctx, store.New(tx), p, entries)
		return err
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("post %q: %w", p.IdempotencyKey, err)
	}
	return id, nil
}

// insertOnce writes the posting and its entries unless the key exists already.
func insertOnce(ctx context.Context, q *store.Queries, p Posting, entries []Entry) (uuid.UUID, error) {
	row, err := q.InsertLedgerPosting(ctx, store.InsertLedgerPostingParams{
		ID: uuid.New(), IdempotencyKey: p.IdempotencyKey, SaleID: optSale(p.SaleID),
		PartnerID: optPartner(p.PartnerID), Kind: string(p.Kind), Memo: p.Memo,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return q.GetLedgerPostingIDByKey(ctx, p.IdempotencyKey)
	}
	if err != nil {
		return uuid.Nil, err
	}
	accounts := make([]string, len(entries))
	amounts := make([]int64, len(entries))
	for i, e := range entries {
		accounts[i], amounts[i] = string(e.Account), int64(e.Amount)
	}
	err = q.InsertLedgerEntries(ctx, store.InsertLedgerEntriesParams{PostingID: row.ID, Accounts: accounts,
		Amounts: amounts, PartnerID: optPartner(p.PartnerID), SaleID: optSale(p.SaleID), PostedAt: row.PostedAt})
	return row.ID, err
}

// check validates p and returns its non-zero entries.
func (p Posting) check() ([]Entry, error) {
	if p.IdempotencyKey == "" {
		return nil, ErrNoIdempotencyKey
	}
	entries := make([]Entry, 0, len(p.Entries))
	var sum warranty.Kopecks
	for _, e := range p.Entries {
		if e.Amount == 0 {
			continue
		}
		if e.Account == "" {
			return nil, fmt.Errorf("entry of %d kopecks without an account", e.Amount)
		}
		if addOverflows(sum, e.Amount) {
			return nil, fmt.Errorf("%w: the sum overflows", ErrUnbalanced)
		}
		sum += e.Amount
		entries = append(entries, e)
	}
	if len(entries) < 2 {
		return nil, ErrNoEntries
	}
	if sum != 0 {
		return nil, fmt.Errorf("%w: entries sum to %d kopecks", ErrUnbalanced, sum)
	}
	return entries, nil
}

func addOverflows(a, b warranty.Kopecks) bool {
	return b > 0 && a > math.MaxInt64-b || b < 0 && a < math.MinInt64-b
}

// Reverse posts, once, the reversal of a posting: every entry negated, so the two net to zero.
// Cancellation reverses each posting of the sale. It reads and posts in one transaction.
func Reverse(ctx context.Context, db DB, postingID uuid.UUID, memo string) (uuid.UUID, error) {
	var id uuid.UUID
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		orig, err := load(ctx, store.New(tx), postingID)
		if err != nil {
			return err
		}
		r := Reversal(postingID, orig)
		if memo != "" {
			r.Memo = memo
		}
		id, err = Post(ctx, tx, r)
		return err
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("reverse posting %s: %w", postingID, err)
	}
	return id, nil
}

// Load reads a posting with its entries.
func Load(ctx context.Context, db store.DBTX, postingID uuid.UUID) (Posting, error) {
	return load(ctx, store.New(db), postingID)
}

func load(ctx context.Context, q *store.Queries, postingID uuid.UUID) (Posting, error) {
	row, err := q.GetLedgerPosting(ctx, postingID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Posting{}, ErrPostingNotFound
	}
	if err != nil {
		return Posting{}, err
	}
	rows, err := q.ListLedgerEntries(ctx, postingID)
	if err != nil {
		return Posting{}, err
	}
	p := Posting{IdempotencyKey: row.IdempotencyKey, Kind: Kind(row.Kind), Memo: row.Memo}
	if row.SaleID != nil {
		p.SaleID = *row.SaleID
	}
	if row.PartnerID != nil {
		p.PartnerID = *row.PartnerID
	}
	for _, e := range rows {
		p.Entries = append(p.Entries, Entry{Account: Account(e.Account), Amount: warranty.Kopecks(e.AmountKopecks)})
	}
	return p, nil
}

func optSale(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func optPartner(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
