package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// updateWait is how long a request waits for a sale's workflow to answer an update; past it
// the API answers 202 with the state so far and the workflow carries on.
const updateWait = 30 * time.Second

// saleMessages are the texts of the sale endpoints' own error codes, Russian first.
var saleMessages = map[string][2]string{
	"wrong_status":       {"Действие недоступно: продажа в статусе «%s»", "Not possible: the sale is %s"},
	"sale_busy":          {"Продажа сейчас обрабатывается. Повторите через несколько секунд", "The sale is being processed. Try again in a few seconds"},
	"sale_unavailable":   {"Не удалось выполнить действие, повторите попытку", "The action could not be completed, please try again"},
	"contract_not_ready": {"Договор ещё не оформлен", "The contract is not issued yet"},
	"salon_inactive":     {"Салон закрыт для продаж", "The salon is closed for sales"},
	"step_vehicle":       {"Заполните шаг «Автомобиль»", "Fill in the vehicle step"},
	"step_customer":      {"Заполните шаг «Клиент»", "Fill in the customer step"},
	"step_tariff":        {"Заполните шаг «Тариф»", "Fill in the tariff step"},
	"tariff_not_found":   {"Такого тарифа нет", "There is no such tariff"},
	"system":             {"Система", "System"},

	"upsell_window_closed":    {"Окно допродаж закрыто: оно закрылось %s", "The upsell window is closed: it closed on %s"},
	"change_awaiting_payment": {"Предыдущее изменение ждёт оплаты: дождитесь её или окончания окна допродаж", "An earlier change is waiting for its payment: wait for it or for the upsell window to close"},
	"nothing_to_add":          {"Выберите опции, которых ещё нет в договоре", "Choose options the contract does not have yet"},
	"nothing_to_change":       {"Выберите другой тариф или срок", "Choose another tariff or term"},
	"credit_limit_exceeded":   {"Превышен кредитный лимит партнёра: неоплаченные счета %s и эта продажа %s больше лимита %s", "The partner's credit limit is exceeded: unpaid invoices of %s plus this sale of %s are more than the limit of %s"},
	"sale_payment_not_open":   {"Платёж не ждёт оплаты", "The payment is not waiting for money"},
}

func saleMessage(lang, code string, args ...any) string {
	s := pick(saleMessages, code, lang)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func failSale(c *gin.Context, status int, code string, args ...any) {
	c.AbortWithStatusJSON(status, gin.H{"error": Problem{Code: code, Message: saleMessage(lang(c), code, args...)}})
}

// mountSales adds the sale, quote and approval endpoints.
func (s *Server) mountSales(r *gin.RouterGroup) {
	r.POST("/quotes", s.createQuote)
	r.GET("/sales", s.listSales)
	r.POST("/sales", allow("dealer"), s.openSale)
	r.GET("/sales/:id", s.getSale)
	r.GET("/sales/:id/history", s.saleHistory)
	r.GET("/sales/:id/contract.pdf", s.saleContract)
	r.PUT("/sales/:id/vehicle", allow("dealer"), s.saveVehicle)
	r.PUT("/sales/:id/customer", allow("dealer"), s.saveCustomer)
	r.PUT("/sales/:id/tariff", allow("dealer"), s.saveTariff)
	r.POST("/sales/:id/submit", allow("dealer"), s.submitSale)
	r.GET("/approvals", allow("manager", "admin"), s.listApprovals)
	r.POST("/sales/:id/approve", allow("manager", "admin"), s.approveSale)
	r.POST("/sales/:id/request-changes", allow("manager", "admin"), s.requestChanges)
	r.POST("/sales/:id/reject", allow("manager", "admin"), s.rejectSale)
	r.POST("/sales/:id/upsell", allow("dealer"), s.upsellSale)
	r.POST("/sales/:id/change-tariff", allow("dealer"), s.changeSaleTariff)
	r.POST("/sales/:id/cancel", allow("dealer", "manager", "admin"), s.cancelSale)
}

// --- the sale as the cabinets see it ---------------------------------------------------------

// Sale is a sale as the API answers it: its state (live from the workflow, or as the read
// model stored it), the names the cabinets print, and what the caller may do next.
type Sale struct {
	ID             string              `json:"id"`
	Status         warranty.SaleStatus `json:"status"`
	ContractNumber *string             `json:"contract_number"`
	SalonID        int64               `json:"salon_id"`
	SalonName      string              `json:"salon_name"`
	PartnerID      int64               `json:"partner_id"`
	PartnerName    string              `json:"partner_name"`
	SellerID       int64               `json:"seller_id"`
	SellerName     string              `json:"seller_name"`
	Vehicle        *warranty.Vehicle   `json:"vehicle"`
	Customer       *warranty.Customer  `json:"customer"`
	Tariff         *SaleTariff         `json:"tariff"`
	Quote          *warranty.Quote     `json:"quote"`
	Flags          []SaleFlag          `json:"flags"`
	Comments       []workflows.Comment `json:"comments"`
	AllowedActions []string            `json:"allowed_actions"`
	// Payment is the payment in progress (an upsell's while one waits), else the sale's own:
	// {id, method, status, url, amount_kopecks, attempts: [{n, at, result, decline_code}],
	// next_retry_at, …}; null before the contract.
	Payment              *workflows.PaymentState  `json:"payment"`
	Payments             []workflows.PaymentState `json:"payments"`
	Changes              []workflows.SaleChange   `json:"changes"`
	UpsellKopecks        warranty.Kopecks         `json:"upsell_kopecks"`
	ActivatedAt          *time.Time               `json:"activated_at"`
	UpsellWindowClosesAt *time.Time               `json:"upsell_window_closes_at"`
	ClosedAt             *time.Time               `json:"closed_at"`
	CancelledAt          *time.Time               `json:"cancelled_at"`
	CancelReason         string                   `json:"cancel_reason,omitempty"`
	ContractPending      bool                     `json:"contract_pending"`
	ContractError        string                   `json:"contract_error,omitempty"`
	SubmittedAt          *time.Time               `json:"submitted_at"`
	ApprovedAt           *time.Time               `json:"approved_at"`
	CreatedAt            time.Time                `json:"created_at"`
	UpdatedAt            time.Time                `json:"updated_at"`
	// Stale: the sale's workflow did not answer (no worker, Temporal down), so this is the
	// state the read model stored at the last revision, and no action is offered.
	Stale bool `json:"stale"`
}

// SaleTariff is the dealer's tariff choice; the discount travels as a percentage.
type SaleTariff struct {
	TariffCode      string   `json:"tariff_code"`
	TermMonths      int      `json:"term_months"`
	Options         []string `json:"options"`
	DiscountPct     float64  `json:"discount_pct"`
	TariffVersionID int64    `json:"tariff_version_id"`
}

// SaleFlag is a risk flag in the caller's language.
type SaleFlag struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// saleRef is the sale's row as the caller may see it.
type saleRef = store.GetVisibleSaleRow

// saleJSON is a state the workflow has just answered (live).
func (s *Server) saleJSON(c *gin.Context, ref saleRef, st workflows.SaleState) Sale {
	return s.saleViewJSON(c, ref, saleView{SaleState: st})
}

func (s *Server) saleViewJSON(c *gin.Context, ref saleRef, v saleView) Sale {
	st := v.SaleState
	l := lang(c)
	out := Sale{ID: st.ID, Status: st.Status, SalonID: st.SalonID, SalonName: ref.SalonName, PartnerID: st.PartnerID,
		PartnerName: ref.PartnerName, SellerID: st.Seller.ID, SellerName: st.Seller.Name, Vehicle: st.Vehicle,
		Customer: st.Customer, Quote: st.Quote, Flags: flagsFor(caller(c), st.Flags, l), Comments: st.Comments,
		AllowedActions: allowedActions(caller(c), v), ContractPending: st.ContractPending,
		ContractError: st.ContractError, SubmittedAt: st.SubmittedAt, ApprovedAt: st.ApprovedAt,
		CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt, Payment: st.Payment, Payments: st.Payments,
		Changes: st.Changes, UpsellKopecks: st.UpsellKopecks, ActivatedAt: st.ActivatedAt,
		UpsellWindowClosesAt: st.UpsellWindowClosesAt, ClosedAt: st.ClosedAt, CancelledAt: st.CancelledAt,
		CancelReason: st.CancelReason, Stale: v.Stale}
	if out.Payments == nil {
		out.Payments = []workflows.PaymentState{}
	}
	if out.Changes == nil {
		out.Changes = []workflows.SaleChange{}
	}
	if st.ContractNumber != "" {
		out.ContractNumber = &st.ContractNumber
	}
	if t := st.Tariff; t != nil {
		out.Tariff = &SaleTariff{TariffCode: t.TariffCode, TermMonths: t.TermMonths, Options: t.Options,
			DiscountPct: float64(t.DiscountBP) / 100, TariffVersionID: st.TariffVersionID}
	}
	if out.Comments == nil {
		out.Comments = []workflows.Comment{}
	}
	return out
}

func localizedFlags(flags []warranty.Flag, l string) []SaleFlag {
	return flagsFor(Caller{Role: workflows.RoleManager}, flags, l)
}

// flagsFor is the flags as the caller may read them: a dealer does not read the comment of
// another sale's rejection (warranty.Flag.ForSeller); managers and admins do.
func flagsFor(cl Caller, flags []warranty.Flag, l string) []SaleFlag {
	out := make([]SaleFlag, 0, len(flags))
	for _, f := range flags {
		if cl.Role == workflows.RoleDealer {
			f = f.ForSeller(l)
		} else {
			f = f.Localized(l)
		}
		out = append(out, SaleFlag{Code: f.Code, Message: f.Message})
	}
	return out
}

// allowedActions is what the caller may do with the sale now: a dealer fills and submits
// a draft, a manager (of the salon: the sale is visible to them) or an admin decides on a
// waiting one; a dealer upsells an active sale while its window is open; a dealer cancels
// before payment, a manager or an admin before the sale closes; anyone who sees the sale may
// download its contract. A stale state offers only the download: every other action needs
// the workflow, which is not answering.
func allowedActions(cl Caller, v saleView) []string {
	st := v.SaleState
	actions := []string{}
	if !st.Busy && !v.Stale {
		switch {
		case st.Status == warranty.StatusDraft && cl.Role == "dealer":
			actions = append(actions, "edit", "submit")
		case st.Status == warranty.StatusPendingApproval && (cl.Role == "manager" || cl.Role == "admin"):
			actions = append(actions, "approve", "request_changes", "reject")
		case st.Status == warranty.StatusActive && cl.Role == "dealer" && windowOpen(st) && !changeAwaitingPayment(st):
			actions = append(actions, "upsell", "change_tariff")
		}
		if mayCancel(cl.Role, st.Status) {
			actions = append(actions, "cancel")
		}
	}
	if st.ContractDocumentID != "" {
		actions = append(actions, "download_contract")
	}
	return actions
}

// --- finding a sale ----------------------------------------------------------------------

// visibleSale loads the sale named by :id if the caller may see it; otherwise it answers
// 404 (whether the sale exists or not) and returns false.
func (s *Server) visibleSale(c *gin.Context) (saleRef, bool) {
	saleID, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, http.StatusNotFound, "not_found")
		return saleRef{}, false
	}
	role, uid, partner := caller(c).scope()
	ref, err := s.q.GetVisibleSale(c.Request.Context(), store.GetVisibleSaleParams{ID: saleID, CallerRole: role,
		CallerID: uid, CallerPartner: partner})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return saleRef{}, false
	}
	if err != nil {
		s.failInternal(c, err)
		return saleRef{}, false
	}
	return ref, true
}

// getSale answers the sale's page from the read model, live from the workflow while the sale
// is in progress and the workflow answers (see currentState).
func (s *Server) getSale(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	v, err := s.currentState(c.Request.Context(), ref.ID)
	if err != nil {
		s.failTemporal(c, err)
		return
	}
	c.JSON(http.StatusOK, s.saleViewJSON(c, ref, v))
}

// actor is the caller as the workflow records them.
func actor(c *gin.Context) workflows.Actor {
	cl := caller(c)
	return workflows.Actor{ID: cl.ID, Name: cl.FullName, Role: cl.Role, Lang: lang(c)}
}

// --- starting a sale ---------------------------------------------------------------------

type openSaleRequest struct {
	SalonID int64 `json:"salon_id" validate:"required,gt=0"`
}

// openSale starts a sale's workflow with update-with-start: the "open" update records the
// draft, so the sale is in every list by the time this answers 201.
func (s *Server) openSale(c *gin.Context) {
	var req openSaleRequest
	if !bindJSON(c, &req) {
		return
	}
	salon, err := s.findSalon(c, req.SalonID)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if !salon.Active {
		failFields(c, map[string]string{"salon_id": saleMessage(lang(c), "salon_inactive")})
		return
	}
	saleID := uuid.Must(uuid.NewV7()).String()
	st, err := s.startSale(c.Request.Context(), saleID, saleStart{SalonID: salon.ID, PartnerID: salon.PartnerID,
		City: salon.City}, actor(c))
	if err != nil {
		s.failTemporal(c, err)
		return
	}
	ref := saleRef{SalonName: salon.Name, PartnerName: salon.PartnerName}
	c.Header("Location", "/api/v1/sales/"+saleID)
	c.JSON(http.StatusCreated, s.saleJSON(c, ref, st))
}

// saleStart is where a new sale is sold: the salon, its partner and city.
type saleStart struct {
	SalonID, PartnerID int64
	City               string
}

// startSale starts the sale's workflow with update-with-start and waits for the "open"
// update, so the draft is recorded when it returns. The dealer's wizard and the website's
// direct sale both begin here.
func (s *Server) startSale(ctx context.Context, saleID string, at saleStart, seller workflows.Actor) (workflows.SaleState, error) {
	in := workflows.SaleInput{SaleID: saleID, SalonID: at.SalonID, PartnerID: at.PartnerID, City: at.City,
		Seller: seller, TimeZone: s.cfg.CompanyTZ.String(), Risk: s.cfg.Risk, DunningSchedule: s.cfg.DunningSchedule,
		OverdueReminderLimit: s.cfg.OverdueReminders}
	ctx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	start := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: workflows.WorkflowID(saleID),
		TaskQueue: s.cfg.TemporalTaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING},
		workflows.Sale, in)
	handle, err := s.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateOpen, Args: []any{sealed(saleID, seller)},
			WaitForStage: client.WorkflowUpdateStageCompleted}})
	var st workflows.SaleState
	if err == nil {
		err = handle.Get(ctx, &st)
	}
	return st, err
}

// --- the wizard and the decisions --------------------------------------------------------

// updateSale sends one update (its argument sealed for the sale) and waits for its answer.
func (s *Server) updateSale(ctx context.Context, saleID, update string, arg any) (workflows.SaleState, error) {
	ctx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	handle, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(saleID), UpdateName: update, Args: []any{sealed(saleID, arg)},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	var st workflows.SaleState
	if err == nil {
		err = handle.Get(ctx, &st)
	}
	return st, err
}

// changeSale sends an update to a visible sale's workflow and answers the sale after it, or
// the reason it was refused.
func (s *Server) changeSale(c *gin.Context, ref saleRef, update string, arg any) {
	st, err := s.updateSale(c.Request.Context(), ref.ID.String(), update, arg)
	if err != nil {
		s.answerUpdateError(c, ref, err)
		return
	}
	c.JSON(http.StatusOK, s.saleJSON(c, ref, st))
}

// answerUpdateError turns a refused or failed update into the API's error envelope.
func (s *Server) answerUpdateError(c *gin.Context, ref saleRef, err error) {
	var app *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	switch {
	case errors.As(err, &app):
		s.answerBusinessError(c, app)
	case errors.As(err, &notFound):
		// the workflow has ended: the sale is final
		failSale(c, http.StatusConflict, "wrong_status", statusLabel(lang(c), warranty.SaleStatus(ref.Status)))
	case errors.As(err, &timeout), errors.Is(err, context.DeadlineExceeded):
		// the workflow carries on; the caller sees the state so far and polls. A workflow
		// that does not even answer its query is not carrying on: Temporal or the worker is down.
		v, qerr := s.currentState(c.Request.Context(), ref.ID)
		if qerr != nil || v.Stale {
			s.failTemporal(c, errors.Join(err, qerr, errTemporalUnavailable))
			return
		}
		c.JSON(http.StatusAccepted, s.saleViewJSON(c, ref, v))
	default:
		s.failTemporal(c, err)
	}
}

func (s *Server) answerBusinessError(c *gin.Context, app *temporal.ApplicationError) {
	l := lang(c)
	switch app.Type() {
	case workflows.ErrTypeValidation:
		var vs warranty.Violations
		if err := app.Details(&vs); err != nil {
			s.failInternal(c, err)
			return
		}
		failFields(c, violationFields(vs, l))
	case workflows.ErrTypeWrongStatus:
		var status warranty.SaleStatus
		_ = app.Details(&status)
		failSale(c, http.StatusConflict, "wrong_status", statusLabel(l, status))
	case workflows.ErrTypeBusy:
		failSale(c, http.StatusConflict, "sale_busy")
	case workflows.ErrTypeForbidden:
		fail(c, http.StatusForbidden, "forbidden")
	case workflows.ErrTypeUnavailable:
		failSale(c, http.StatusServiceUnavailable, "sale_unavailable")
	case workflows.ErrTypeUpsellWindowClosed:
		var closedAt time.Time
		_ = app.Details(&closedAt)
		s.failWindowClosed(c, closedAt)
	case workflows.ErrTypeChangeAwaitingPayment:
		failSale(c, http.StatusConflict, "change_awaiting_payment")
	case workflows.ErrTypeNothingToChange:
		var field string
		_ = app.Details(&field)
		code := "nothing_to_change"
		if field == "options" {
			code = "nothing_to_add"
		}
		failFields(c, map[string]string{field: saleMessage(l, code)})
	case workflows.ErrTypePaymentNotOpen:
		failSale(c, http.StatusConflict, "sale_payment_not_open")
	default:
		s.failInternal(c, app)
	}
}

// violationFields localizes business-rule violations; a missing wizard step is named as a
// step.
func violationFields(vs warranty.Violations, l string) map[string]string {
	fields := vs.Fields(l)
	for _, step := range []string{"vehicle", "customer", "tariff"} {
		if _, ok := fields[step]; ok {
			fields[step] = saleMessage(l, "step_"+step)
		}
	}
	return fields
}

var statusLabels = map[warranty.SaleStatus][2]string{
	warranty.StatusDraft:           {"черновик", "a draft"},
	warranty.StatusPendingApproval: {"на согласовании", "waiting for approval"},
	warranty.StatusRejected:        {"отклонена", "rejected"},
	warranty.StatusExpired:         {"просрочена", "expired"},
	warranty.StatusAwaitingPayment: {"ожидает оплаты", "awaiting payment"},
	warranty.StatusActive:          {"действует", "active"},
	warranty.StatusClosed:          {"закрыта", "closed"},
	warranty.StatusCancelled:       {"отменена", "cancelled"},
}

func statusLabel(l string, st warranty.SaleStatus) string {
	t, ok := statusLabels[st]
	if !ok {
		return string(st)
	}
	if l == "en" {
		return t[1]
	}
	return t[0]
}

// vehicleRequest is the vehicle step as sent: the mileage is required, so its absence must
// be told from 0 km (the shallower field wins over the embedded one in encoding/json).
type vehicleRequest struct {
	warranty.Vehicle
	MileageKm *int `json:"mileage_km"`
}

func (s *Server) saveVehicle(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	var req vehicleRequest
	if !decodeJSON(c, &req) {
		return
	}
	v := req.Vehicle
	if req.MileageKm == nil {
		// an absent mileage used to read as 0 km, the cheapest band: name it with every other
		// mistake of the step, as the workflow's validator would
		_, vs := v.Normalize(time.Now().In(s.cfg.CompanyTZ))
		vs = append(vs, warranty.Violation{Field: "mileage_km", Code: warranty.CodeRequired})
		failFields(c, vs.Fields(lang(c)))
		return
	}
	v.MileageKm = *req.MileageKm
	if v, ok = s.resolveVehicle(c, v); !ok {
		return
	}
	s.changeSale(c, ref, workflows.UpdateVehicle, workflows.VehicleStep{Vehicle: v, Actor: actor(c)})
}

func (s *Server) saveCustomer(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	var cust warranty.Customer
	if !decodeJSON(c, &cust) {
		return
	}
	s.changeSale(c, ref, workflows.UpdateCustomer, workflows.CustomerStep{Customer: cust, Actor: actor(c)})
}

type tariffRequest struct {
	TariffCode  string   `json:"tariff_code" validate:"required,max=32"`
	TermMonths  int      `json:"term_months" validate:"required,gte=1,lte=120"`
	Options     []string `json:"options" validate:"max=20,dive,max=32"`
	DiscountPct float64  `json:"discount_pct"`
}

// saveTariff snapshots the tariff's current published version and the partner's
// commission rate into the update, so the workflow rates deterministically and the sale
// keeps the version it was rated with.
func (s *Server) saveTariff(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	var req tariffRequest
	if !bindJSON(c, &req) {
		return
	}
	discountBP, err := warranty.PctToBasisPoints(req.DiscountPct)
	var vs warranty.Violations
	if errors.As(err, &vs) {
		failFields(c, vs.Fields(lang(c)))
		return
	}
	tariff, ok := s.currentTariff(c, req.TariffCode)
	if !ok {
		return
	}
	commission, err := s.q.PartnerCommission(c.Request.Context(), ref.PartnerID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	tariff.CommissionBP = int64(commission)
	s.changeSale(c, ref, workflows.UpdateTariff, workflows.TariffStep{Actor: actor(c), Snapshot: tariff,
		Choice: workflows.TariffChoice{TariffCode: req.TariffCode, TermMonths: req.TermMonths,
			Options: req.Options, DiscountBP: discountBP}})
}

// currentTariff loads a tariff's published version in force; an unknown code answers 422.
func (s *Server) currentTariff(c *gin.Context, code string) (workflows.TariffSnapshot, bool) {
	row, err := s.q.GetCurrentTariffVersion(c.Request.Context(), strings.TrimSpace(code))
	if errors.Is(err, pgx.ErrNoRows) {
		failFields(c, map[string]string{"tariff_code": saleMessage(lang(c), "tariff_not_found")})
		return workflows.TariffSnapshot{}, false
	}
	if err != nil {
		s.failInternal(c, err)
		return workflows.TariffSnapshot{}, false
	}
	t := warranty.Tariff{Code: row.Code, Name: row.Name}
	err = errors.Join(json.Unmarshal(row.Coverage, &t.Coverage), json.Unmarshal(row.PriceRules, &t.Rules),
		json.Unmarshal(row.Eligibility, &t.Eligibility))
	if err != nil {
		s.failInternal(c, err)
		return workflows.TariffSnapshot{}, false
	}
	for _, m := range row.Terms {
		t.Terms = append(t.Terms, int(m))
	}
	// the excluded makes are named as the catalogue names them, as the vehicle's make is
	// (resolveVehicle): «Rolls Royce» in a tariff excludes «Роллс-Ройс» at the dealer's
	catalog, err := s.vehicleCatalog(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return workflows.TariffSnapshot{}, false
	}
	t.Eligibility.ExcludedMakes = catalog.CanonicalMakes(t.Eligibility.ExcludedMakes)
	return workflows.TariffSnapshot{VersionID: row.ID, Tariff: t}, true
}

func (s *Server) submitSale(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	if !s.withinCreditLimit(c, ref) {
		return
	}
	s.changeSale(c, ref, workflows.UpdateSubmit, actor(c))
}

type decisionRequest struct {
	Comment string `json:"comment" validate:"max=2000"`
}

// decide sends a manager's decision; the sale must be visible to the manager (a salon
// assigned to them), else 404.
func (s *Server) decide(c *gin.Context, update string) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	var req decisionRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	s.changeSale(c, ref, update, workflows.Decision{Comment: req.Comment, Actor: actor(c)})
}

func (s *Server) approveSale(c *gin.Context)    { s.decide(c, workflows.UpdateApprove) }
func (s *Server) requestChanges(c *gin.Context) { s.decide(c, workflows.UpdateRequestChanges) }
func (s *Server) rejectSale(c *gin.Context)     { s.decide(c, workflows.UpdateReject) }

// --- reading from the read model ---------------------------------------------------------

// SaleListItem is one line of the sales list.
type SaleListItem struct {
	ID             uuid.UUID `json:"id"`
	Status         string    `json:"status"`
	ContractNumber *string   `json:"contract_number"`
	SalonID        int64     `json:"salon_id"`
	SalonName      string    `json:"salon_name"`
	PartnerID      int64     `json:"partner_id"`
	PartnerName    string    `json:"partner_name"`
	VIN            string    `json:"vin"`
	Make           string    `json:"make"`
	Model          string    `json:"model"`
	CustomerName   string    `json:"customer_name"`
	TariffCode     string    `json:"tariff_code"`
	PriceKopecks   int64     `json:"price_kopecks"`
	CreatedAt      time.Time `json:"created_at"`
}

// listSales lists the sales the caller may see, newest first; q finds a VIN, a contract
// number, a customer's phone or name.
func (s *Server) listSales(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	salonID, ok := optInt(c, "salon_id")
	if !ok {
		return
	}
	partnerID, ok := optInt(c, "partner_id")
	if !ok {
		return
	}
	from, ok := s.optTime(c, "from")
	if !ok {
		return
	}
	to, ok := s.optTime(c, "to")
	if !ok {
		return
	}
	status := c.Query("status")
	if status != "" && !warranty.SaleStatus(status).Valid() {
		badQuery(c, map[string]string{"status": fieldMessage(lang(c), "oneof", statusList())})
		return
	}
	q := strings.TrimSpace(c.Query("q"))
	phone, _ := warranty.NormalizePhone(q)
	role, uid, partner := caller(c).scope()
	filter := store.ListSalesParams{CallerRole: role, CallerID: uid, CallerPartner: partner, Status: status,
		SalonID: salonID, PartnerID: partnerID, FromAt: from, ToAt: to, Q: q, Phone: phone,
		Lim: p.limit(), Off: p.offset()}
	ctx := c.Request.Context()
	rows, err := s.q.ListSales(ctx, filter)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	total, err := s.q.CountSales(ctx, store.CountSalesParams{CallerRole: role, CallerID: uid,
		CallerPartner: partner, Status: status, SalonID: salonID, PartnerID: partnerID, FromAt: from, ToAt: to,
		Q: q, Phone: phone, Cap: salesCountCap + 1})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]SaleListItem, 0, len(rows))
	for _, r := range rows {
		items = append(items, SaleListItem{ID: r.ID, Status: r.Status, ContractNumber: r.ContractNumber,
			SalonID: r.SalonID, SalonName: r.SalonName, PartnerID: r.PartnerID, PartnerName: r.PartnerName,
			VIN: r.Vin, Make: r.Make, Model: r.Model, CustomerName: r.CustomerName, TariffCode: r.TariffCode,
			PriceKopecks: r.PriceKopecks, CreatedAt: r.CreatedAt})
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": min(total, salesCountCap), "total_capped": total > salesCountCap,
		"page": p.Page, "per_page": p.PerPage})
}

// salesCountCap is where the sales list stops counting: "10 000+" is as useful to a person
// as an exact figure and costs a fraction of the scan.
const salesCountCap = 10000

func statusList() string {
	var names []string
	for _, st := range warranty.SaleStatuses() {
		names = append(names, string(st))
	}
	return strings.Join(names, ", ")
}

// SaleHistoryEntry is one step of a sale's history.
type SaleHistoryEntry struct {
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	ActorID *int64          `json:"actor_id"`
	Action  string          `json:"action"`
	Comment string          `json:"comment"`
	Changes json.RawMessage `json:"changes"`
}

func (s *Server) saleHistory(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	rows, err := s.q.ListSaleEvents(c.Request.Context(), ref.ID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]SaleHistoryEntry, 0, len(rows))
	for _, r := range rows {
		name := r.ActorName
		if r.ActorID == nil && name == "" {
			name = saleMessage(lang(c), "system")
		}
		items = append(items, SaleHistoryEntry{At: r.At, Actor: name, ActorID: r.ActorID, Action: r.Action,
			Comment: r.Comment, Changes: r.Changes})
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// saleContract streams the sale's contract PDF to whoever may see the sale.
func (s *Server) saleContract(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	docID, err := s.q.SaleContractDocument(ctx, &ref.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		failSale(c, http.StatusNotFound, "contract_not_ready")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	rd, doc, err := s.docs.Open(ctx, docID)
	if errors.Is(err, documents.ErrNotFound) {
		failSale(c, http.StatusNotFound, "contract_not_ready")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	defer rd.Close()
	s.streamDocument(c, rd, doc)
}

// --- the upsell window and cancellation -----------------------------------------------------

// windowOpen says whether an active sale's upsell window is still open by the API's clock
// (the workflow has the last word).
func windowOpen(st workflows.SaleState) bool {
	return st.UpsellWindowClosesAt != nil && time.Now().Before(*st.UpsellWindowClosesAt)
}

func changeAwaitingPayment(st workflows.SaleState) bool {
	for _, ch := range st.Changes {
		if ch.Status == workflows.ChangeAwaitingPayment {
			return true
		}
	}
	return false
}

// actionableState is the sale's state before an action that needs it: an action needs the
// workflow, so a workflow that does not answer answers 503 at once rather than after the
// update's wait.
func (s *Server) actionableState(c *gin.Context, ref saleRef) (workflows.SaleState, bool) {
	v, err := s.currentState(c.Request.Context(), ref.ID)
	if err == nil && v.Stale {
		err = errTemporalUnavailable
	}
	if err != nil {
		s.failTemporal(c, err)
		return workflows.SaleState{}, false
	}
	return v.SaleState, true
}

// mayCancel: a dealer cancels before the sale is paid, a manager of the salon or an admin any
// time before it is closed.
func mayCancel(role string, st warranty.SaleStatus) bool {
	switch role {
	case "dealer":
		return st == warranty.StatusDraft || st == warranty.StatusPendingApproval || st == warranty.StatusAwaitingPayment
	case "manager", "admin":
		return !st.IsFinal()
	}
	return false
}

type upsellRequest struct {
	Options []string `json:"options" validate:"required,min=1,max=20,dive,max=32"`
}

// upsellSale adds options to an active sale inside its upsell window, re-rated with the
// tariff version in force; a higher price is charged as a new payment by the same method.
func (s *Server) upsellSale(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok || s.refuseClosedWindow(c, ref) {
		return
	}
	var req upsellRequest
	if !bindJSON(c, &req) {
		return
	}
	st, ok := s.actionableState(c, ref)
	if !ok {
		return
	}
	if st.Tariff == nil {
		failSale(c, http.StatusConflict, "wrong_status", statusLabel(lang(c), st.Status))
		return
	}
	snapshot, ok := s.tariffSnapshot(c, ref, st.Tariff.TariffCode)
	if !ok {
		return
	}
	s.changeSale(c, ref, workflows.UpdateUpsell, workflows.UpsellRequest{Options: req.Options, Snapshot: snapshot,
		Actor: actor(c)})
}

type changeTariffRequest struct {
	TariffCode string `json:"tariff_code" validate:"required,max=32"`
	TermMonths int    `json:"term_months" validate:"required,gte=1,lte=120"`
}

// changeSaleTariff moves an active sale to another tariff or term inside its upsell window;
// a lower price is refunded, a higher one charged.
func (s *Server) changeSaleTariff(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok || s.refuseClosedWindow(c, ref) {
		return
	}
	var req changeTariffRequest
	if !bindJSON(c, &req) {
		return
	}
	snapshot, ok := s.tariffSnapshot(c, ref, req.TariffCode)
	if !ok {
		return
	}
	s.changeSale(c, ref, workflows.UpdateChangeTariff, workflows.TariffChangeRequest{TariffCode: snapshot.Tariff.Code,
		TermMonths: req.TermMonths, Snapshot: snapshot, Actor: actor(c)})
}

// tariffSnapshot is the tariff's version in force with the partner's commission rate, for
// the workflow to re-rate with.
func (s *Server) tariffSnapshot(c *gin.Context, ref saleRef, code string) (workflows.TariffSnapshot, bool) {
	snapshot, ok := s.currentTariff(c, code)
	if !ok {
		return snapshot, false
	}
	commission, err := s.q.PartnerCommission(c.Request.Context(), ref.PartnerID)
	if err != nil {
		s.failInternal(c, err)
		return snapshot, false
	}
	snapshot.CommissionBP = int64(commission)
	return snapshot, true
}

// refuseClosedWindow answers 409 for a closed sale, saying when its window closed; the
// workflow of a closed sale has ended and cannot say it itself.
func (s *Server) refuseClosedWindow(c *gin.Context, ref saleRef) bool {
	if warranty.SaleStatus(ref.Status) != warranty.StatusClosed {
		return false
	}
	w, err := s.q.SaleWindow(c.Request.Context(), ref.ID)
	if err != nil {
		s.failInternal(c, err)
		return true
	}
	var closedAt time.Time
	if w.ClosedAt != nil {
		closedAt = *w.ClosedAt
	} else if w.ActivatedAt != nil {
		closedAt = warranty.UpsellWindowCloses(*w.ActivatedAt, s.cfg.CompanyTZ)
	}
	s.failWindowClosed(c, closedAt)
	return true
}

func (s *Server) failWindowClosed(c *gin.Context, closedAt time.Time) {
	failSale(c, http.StatusConflict, "upsell_window_closed", formatMoment(closedAt.In(s.cfg.CompanyTZ), lang(c)))
}

// formatMoment writes a moment as the caller reads it, in the zone it carries:
// "01.04.2026 в 00:00 (MSK)" or "1 Apr 2026 at 00:00 (MSK)".
func formatMoment(t time.Time, l string) string {
	if l == "en" {
		return t.Format("2 Jan 2006 at 15:04 (MST)")
	}
	return t.Format("02.01.2006 в 15:04 (MST)")
}

type cancelRequest struct {
	Reason string `json:"reason" validate:"required,max=2000"`
}

// cancelSale cancels a sale with its compensations (void the payment, refund, void the
// contract, reverse the ledger, archive the act) and answers the cancelled sale.
func (s *Server) cancelSale(c *gin.Context) {
	ref, ok := s.visibleSale(c)
	if !ok {
		return
	}
	var req cancelRequest
	if !bindJSON(c, &req) {
		return
	}
	s.changeSale(c, ref, workflows.UpdateCancel, workflows.CancelRequest{Reason: req.Reason, Actor: actor(c)})
}

// withinCreditLimit refuses (409) the submit of a sale of a partner paying by invoice when
// its unpaid invoices plus this price exceed its credit limit. Two submits racing may both
// pass; the limit is a business guard, not an accounting invariant.
func (s *Server) withinCreditLimit(c *gin.Context, ref saleRef) bool {
	ctx := c.Request.Context()
	terms, err := s.q.PartnerPaymentTerms(ctx, ref.PartnerID)
	if err != nil {
		s.failInternal(c, err)
		return false
	}
	if terms.PaymentMethod != payments.MethodInvoice {
		return true
	}
	st, ok := s.actionableState(c, ref)
	if !ok {
		return false
	}
	if st.Quote == nil {
		return true // the workflow names the missing steps
	}
	unpaid, err := payments.NewStore(s.pool).UnpaidInvoicesTotal(ctx, ref.PartnerID)
	if err != nil {
		s.failInternal(c, err)
		return false
	}
	limit := warranty.Kopecks(terms.CreditLimitKopecks)
	if unpaid+st.Quote.PriceKopecks <= limit {
		return true
	}
	l := lang(c)
	failSale(c, http.StatusConflict, "credit_limit_exceeded", formatAmount(unpaid, l),
		formatAmount(st.Quote.PriceKopecks, l), formatAmount(limit, l))
	return false
}

// signalPaymentOutcome tells the sale's workflow how a payment attempt ended (the pay page's
// and the webhook's PaymentOutcomeFunc).
func (s *Server) signalPaymentOutcome(ctx context.Context, paymentID uuid.UUID, o payments.Outcome) error {
	saleID := o.SaleID
	if saleID == uuid.Nil {
		p, err := payments.NewStore(s.pool).Payment(ctx, paymentID)
		if err != nil {
			return fmt.Errorf("find the payment's sale: %w", err)
		}
		saleID = p.SaleID
	}
	if o.PaymentID == uuid.Nil {
		o.PaymentID = paymentID
	}
	if err := s.temporal.SignalWorkflow(ctx, workflows.WorkflowID(saleID.String()), "", workflows.SignalPaymentOutcome, o); err != nil {
		return fmt.Errorf("signal payment outcome: %w", err)
	}
	return nil
}
