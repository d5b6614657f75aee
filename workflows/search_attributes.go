package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// The custom search attributes a sale carries, so an operator finds it in the Temporal UI
// (`ContractNumber = "KR-…"`) without reading its payloads. They hold no personal data: search
// attributes are indexed in plaintext, outside the payload codec. The dev server registers
// them at start (scripts/lib.sh, testenv.StartTemporal); production registers them once with
// `temporal operator search-attribute create` (docs/operations.md).
var (
	// ContractNumberKey is the sale's contract number once it is allocated.
	ContractNumberKey = temporal.NewSearchAttributeKeyKeyword("ContractNumber")
	// PartnerIDKey is the id of the partner (dealer) whose salon sold the warranty.
	PartnerIDKey = temporal.NewSearchAttributeKeyInt64("PartnerID")
	// SaleStatusKey is the sale's status as the read model names it (draft, active, …).
	SaleStatusKey = temporal.NewSearchAttributeKeyKeyword("SaleStatus")
)

// index keeps the sale's search attributes in step with its status and contract number, once
// per change (an upsert is a history event). Versioned: the sales recorded before carry none.
func (s *sale) index(ctx workflow.Context) {
	current := string(s.Status) + "|" + s.ContractNumber
	if current == s.indexed || s.version(ctx, versionSearchAttributes, 1) < 1 {
		return
	}
	updates := []temporal.SearchAttributeUpdate{SaleStatusKey.ValueSet(string(s.Status)), PartnerIDKey.ValueSet(s.PartnerID)}
	if s.ContractNumber != "" {
		updates = append(updates, ContractNumberKey.ValueSet(s.ContractNumber))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Error("upsert search attributes", "err", err)
		return
	}
	s.indexed = current
}
