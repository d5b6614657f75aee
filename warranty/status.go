package warranty

// SaleStatus is where a warranty sale stands in its life; the exact strings are shared
// by the API, the cabinets, the read model and the workflow.
type SaleStatus string

// The statuses of a sale, in the order a sale usually goes through them.
const (
	// StatusDraft is a sale being filled in the wizard by the dealer.
	StatusDraft SaleStatus = "draft"
	// StatusPendingApproval is a submitted sale with risk flags waiting for a manager.
	StatusPendingApproval SaleStatus = "pending_approval"
	// StatusRejected is a sale a manager refused; nothing more can happen to it.
	StatusRejected SaleStatus = "rejected"
	// StatusExpired is a draft abandoned for too long.
	StatusExpired SaleStatus = "expired"
	// StatusAwaitingPayment is a sale whose contract is issued and not yet paid.
	StatusAwaitingPayment SaleStatus = "awaiting_payment"
	// StatusActive is a paid contract; upsells are possible until the month ends.
	StatusActive SaleStatus = "active"
	// StatusClosed is a paid contract whose upsell window has closed.
	StatusClosed SaleStatus = "closed"
	// StatusCancelled is a sale cancelled before it became a paid contract.
	StatusCancelled SaleStatus = "cancelled"
)

// SaleStatuses lists every status in life-cycle order, for filters and validation.
func SaleStatuses() []SaleStatus {
	return []SaleStatus{
		StatusDraft, StatusPendingApproval, StatusRejected, StatusExpired,
		StatusAwaitingPayment, StatusActive, StatusClosed, StatusCancelled,
	}
}

// Valid reports whether s is one of the known statuses, so that a filter or a stored
// value from outside can be checked before use.
func (s SaleStatus) Valid() bool {
	for _, known := range SaleStatuses() {
		if s == known {
			return true
		}
	}
	return false
}

// IsFinal reports whether the sale can no longer change, so its workflow may end and
// the cabinets offer no actions on it.
func (s SaleStatus) IsFinal() bool {
	switch s {
	case StatusRejected, StatusExpired, StatusClosed, StatusCancelled:
		return true
	}
	return false
}
