package warranty

import "testing"

func TestSaleStatus(t *testing.T) {
	for _, tc := range []struct {
		status SaleStatus
		final  bool
	}{
		{"draft", false},
		{"pending_approval", false},
		{"rejected", true},
		{"expired", true},
		{"awaiting_payment", false},
		{"active", false},
		{"closed", true},
		{"cancelled", true},
	} {
		if !tc.status.Valid() {
			t.Errorf("%q is not Valid", tc.status)
		}
		if got := tc.status.IsFinal(); got != tc.final {
			t.Errorf("%q.IsFinal() = %v, want %v", tc.status, got, tc.final)
		}
	}
	if len(SaleStatuses()) != 8 {
		t.Errorf("SaleStatuses() has %d statuses, want 8", len(SaleStatuses()))
	}
	for _, s := range []SaleStatus{"", "Draft", "canceled", "paid"} {
		if s.Valid() || s.IsFinal() {
			t.Errorf("%q is Valid or final", s)
		}
	}
}
