package workflows

import "go.temporal.io/sdk/temporal"

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
