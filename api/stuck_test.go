package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// A value that reaches a workflow without passing the edge checks (a sale from before them;
// here an update sealed as the API would) and that PostgreSQL cannot store: the sale goes on, its cancel
// works, and the admin's stuck-sales page and the metric show that its read model is behind.
func TestASaleWhoseProjectionIsRefusedStaysUsableAndIsListedAsStuck(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "used")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var me struct {
		ID       int64  `json:"id"`
		FullName string `json:"full_name"`
	}
	dealer.do("GET", "/api/v1/me", nil).json(t, &me)
	step := workflows.VehicleStep{Actor: workflows.SealActor(sale.ID, workflows.Actor{ID: me.ID, Name: me.FullName,
		Role: workflows.RoleDealer, Lang: "ru"}),
		Vehicle: warranty.Vehicle{VIN: newVIN(t), Make: "Lada\x00", Model: "Vesta", Year: 2022, MileageKm: 30_000,
			EnginePowerHP: 106, EngineVolumeCC: 1600, Category: warranty.CategoryUsed, SoldOn: "2025-06-01"}}
	h, err := temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(sale.ID),
		UpdateName: workflows.UpdateVehicle, Args: []any{step}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatal(err)
	}
	var st workflows.SaleState
	if err := h.Get(ctx, &st); err != nil {
		t.Fatalf("the step whose projection PostgreSQL refuses failed: %v", err)
	}
	if st.ProjectionError == "" || st.Busy {
		t.Errorf("after a refused projection: busy=%v, projection error %q", st.Busy, st.ProjectionError)
	}

	admin := login(t, "admin@karso.test")
	var page listOf[struct {
		SaleID string `json:"sale_id"`
		Reason string `json:"reason"`
		Detail string `json:"detail"`
	}]
	r := admin.do("GET", "/api/v1/stuck-sales", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &page)
	found := false
	for _, s := range page.Items {
		found = found || (s.SaleID == sale.ID && s.Reason == "read_model_behind" && s.Detail != "")
	}
	if !found {
		t.Errorf("the stuck sales %s do not list %s", r.Body, sale.ID)
	}
	expectStatus(t, dealer.do("GET", "/api/v1/stuck-sales", nil), http.StatusForbidden)
	if !strings.Contains(scrapeMetrics(t), `karso_sales_stuck{reason="read_model_behind"}`) {
		t.Errorf("no stuck-sales metric in /metrics")
	}

	// the sale is not wedged: the dealer cancels it
	cancelled := dealer.sale("POST", "/api/v1/sales/"+sale.ID+"/cancel", map[string]string{"reason": "Ошибка в марке"}, http.StatusOK)
	if cancelled.Status != "cancelled" {
		t.Errorf("cancel of a sale with a refused projection: %s", cancelled.Status)
	}
}

// A sale whose contract has kept failing for over ten minutes is listed, whether or not its
// number was allocated before the PDF failed, until a contract is issued.
func TestASaleWhoseContractKeepsFailingIsListedAsStuck(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "used")
	ctx := context.Background()
	// what the workflow records when the contract service fails (workflows.sale.issueContract)
	if _, err := pool.Exec(ctx, `INSERT INTO sale_events (sale_id, revision, at, action, comment)
		VALUES ($1, 1000, now() - interval '11 minutes', 'contract_failed', 'blob storage is not answering')`, sale.ID); err != nil {
		t.Fatal(err)
	}
	admin := login(t, "admin@karso.test")
	listed := func() bool {
		var page listOf[struct {
			SaleID string `json:"sale_id"`
			Reason string `json:"reason"`
		}]
		admin.do("GET", "/api/v1/stuck-sales?per_page=100", nil).json(t, &page)
		return slices.ContainsFunc(page.Items, func(s struct {
			SaleID string `json:"sale_id"`
			Reason string `json:"reason"`
		}) bool {
			return s.SaleID == sale.ID && s.Reason == "contract_failing"
		})
	}
	if !listed() {
		t.Fatalf("a contract failing for 11 minutes is not listed")
	}
	if _, err := pool.Exec(ctx, `INSERT INTO sale_events (sale_id, revision, at, action)
		VALUES ($1, 1001, now(), 'contract_issued')`, sale.ID); err != nil {
		t.Fatal(err)
	}
	if listed() {
		t.Errorf("a sale whose contract was issued after the failure is still listed")
	}
}
