package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/db/store"
	"karso.ru/prm/payments"
	"karso.ru/prm/workflows"
)

// mountFinance adds the finance view of payments (every role reads the payments of the sales it
// sees; finance and admin record transfers and retry failed cards) and the accounting archive of
// documents.
func (s *Server) mountFinance(r *gin.RouterGroup) {
	finance := allow("finance", "admin")
	r.GET("/payments", s.listPayments)
	r.GET("/payments/overdue", finance, s.listOverdueInvoices)
	r.GET("/payments/:id", s.getPayment)
	r.POST("/payments/:id/mark-paid", finance, s.markPaymentPaid)
	r.POST("/payments/:id/retry", finance, s.retryPayment)
	r.GET("/documents", s.listDocuments)
	r.GET("/documents/:id/download", s.downloadDocument)
}

// financeMessages are the texts of the payment endpoints' own error codes, Russian first.
var financeMessages = map[string][2]string{
	"not_an_invoice":     {"Перевод можно отметить только для оплаты по счёту", "Only an invoice can be marked as paid by transfer"},
	"not_a_card_payment": {"Повторить можно только оплату картой", "Only a card payment can be retried"},
	"payment_not_failed": {"Повторить можно только неуспешную оплату; сейчас она «%s»", "Only a failed payment can be retried; it is %s"},
	"payment_final":      {"Оплата уже завершена: «%s»", "The payment has already ended: it is %s"},
	"payment_not_open":   {"Оплата сейчас не ждёт этого действия (статус «%s»)", "The payment does not wait for this now (it is %s)"},
	"sale_final":         {"Продажа завершена, оплату изменить нельзя", "The sale has ended; its payment cannot change"},
	"paid_at_future":     {"Дата оплаты не может быть в будущем", "The payment date cannot be in the future"},
	"paid_at_early":      {"Дата оплаты не может быть раньше выставления счёта (%s)", "The payment date cannot be before the invoice was issued (%s)"},
}

func failFinance(c *gin.Context, status int, code string, args ...any) {
	msg := pick(financeMessages, code, lang(c))
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	c.AbortWithStatusJSON(status, gin.H{"error": Problem{Code: code, Message: msg}})
}

var paymentStatusLabels = map[string][2]string{
	payments.StatusPending:   {"ожидает оплаты", "pending"},
	payments.StatusRetrying:  {"повторная попытка", "retrying"},
	payments.StatusSucceeded: {"оплачена", "paid"},
	payments.StatusFailed:    {"не прошла", "failed"},
	payments.StatusRefunded:  {"возвращена", "refunded"},
	payments.StatusVoided:    {"аннулирована", "voided"},
}

// paymentStatuses are the statuses the list filters by, in the order finance reads them.
var paymentStatuses = []string{payments.StatusPending, payments.StatusRetrying, payments.StatusSucceeded,
	payments.StatusFailed, payments.StatusRefunded, payments.StatusVoided}

// The orders of the payments list: what needs finance first (failed, retrying, overdue), or
// the newest first.
const (
	sortAttention = "attention"
	sortNewest    = "newest"
	sortDue       = "due"
)

// FinancePayment is a payment as the finance view shows it: what is owed and how, every attempt
// to collect it, when the next one is due, and whether an invoice is overdue.
type FinancePayment struct {
	ID             uuid.UUID          `json:"id"`
	SaleID         uuid.UUID          `json:"sale_id"`
	ContractNumber string             `json:"contract_number"`
	PartnerID      int64              `json:"partner_id"`
	PartnerName    string             `json:"partner_name"`
	Purpose        string             `json:"purpose"`
	Method         string             `json:"method"`
	Status         string             `json:"status"`
	AmountKopecks  int64              `json:"amount_kopecks"`
	Attempts       []payments.Attempt `json:"attempts"`
	NextRetryAt    *time.Time         `json:"next_retry_at"`
	// DueOn is an invoice's due date, YYYY-MM-DD.
	DueOn       *string    `json:"due_on"`
	Overdue     bool       `json:"overdue"`
	DaysOverdue int        `json:"days_overdue"`
	PaidAt      *time.Time `json:"paid_at"`
	// Reference is the acquirer's intent or the bank transfer's payment order.
	Reference string    `json:"reference"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// AllowedActions is what the caller may do with the payment now: mark_paid, retry.
	AllowedActions []string `json:"allowed_actions"`
}

// unpaid says whether the payment is still to be collected.
func (p FinancePayment) unpaid() bool {
	return p.Status == payments.StatusPending || p.Status == payments.StatusRetrying || p.Status == payments.StatusFailed
}

// --- reading ---------------------------------------------------------------------------------

// paymentQuery is a validated filter of the payments list.
type paymentQuery struct {
	status, method, sort string
	partnerID            *int64
	from, to             *time.Time
}

// listPayments lists the payments of the sales the caller sees, needing attention first unless
// sort=newest.
func (s *Server) listPayments(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	f, ok := s.paymentFilter(c)
	if !ok {
		return
	}
	s.answerPayments(c, p, store.ListFinancePaymentsParams{Status: f.status, Method: f.method,
		PartnerID: f.partnerID, FromAt: f.from, ToAt: f.to, SortBy: f.sort})
}

// paymentFilter reads status, method, partner_id, from, to and sort, answering 400 that names
// every wrong one.
func (s *Server) paymentFilter(c *gin.Context) (paymentQuery, bool) {
	q := s.checkQuery(c)
	f := paymentQuery{
		status:    q.oneOf("status", paymentStatuses...),
		method:    q.oneOf("method", payments.MethodCard, payments.MethodInvoice),
		sort:      q.oneOf("sort", sortAttention, sortNewest),
		partnerID: q.int("partner_id"),
		from:      q.time("from"),
		to:        q.time("to"),
	}
	if f.sort == "" {
		f.sort = sortAttention
	}
	if f.from != nil && f.to != nil && !f.to.After(*f.from) {
		q.wrong("to", fieldMessage(lang(c), "invalid"))
	}
	return f, q.ok()
}

// listOverdueInvoices lists the unpaid invoices past their due date, the longest overdue first.
func (s *Server) listOverdueInvoices(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	q := s.checkQuery(c)
	partnerID := q.int("partner_id")
	if !q.ok() {
		return
	}
	s.answerPayments(c, p, store.ListFinancePaymentsParams{Method: payments.MethodInvoice, PartnerID: partnerID,
		OverdueOnly: true, SortBy: sortDue})
}

// answerPayments runs the finance list in the caller's scope and answers one page of it.
func (s *Server) answerPayments(c *gin.Context, p page, arg store.ListFinancePaymentsParams) {
	items, total, err := s.financePayments(c, arg, p.limit(), p.offset())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	p.answer(c, items, total)
}

// financePayments reads payments in the caller's scope as of the company's today.
func (s *Server) financePayments(c *gin.Context, arg store.ListFinancePaymentsParams, limit, offset int32) ([]FinancePayment, int64, error) {
	arg.CallerRole, arg.CallerID, arg.CallerPartner = caller(c).scope()
	arg.Today, arg.Lim, arg.Off = s.today(), limit, offset
	rows, err := s.q.ListFinancePayments(c.Request.Context(), arg)
	if err != nil {
		return nil, 0, fmt.Errorf("list payments: %w", err)
	}
	items := make([]FinancePayment, 0, len(rows))
	var total int64
	for _, r := range rows {
		fp, err := s.financePayment(c, r, arg.Today)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, fp)
		total = r.Total
	}
	return items, total, nil
}

func (s *Server) financePayment(c *gin.Context, r store.ListFinancePaymentsRow, today time.Time) (FinancePayment, error) {
	p := r.Payment
	out := FinancePayment{ID: p.ID, SaleID: p.SaleID, ContractNumber: r.ContractNumber, PartnerID: p.PartnerID,
		PartnerName: r.PartnerName, Purpose: p.Purpose, Method: p.Method, Status: p.Status,
		AmountKopecks: p.AmountKopecks, NextRetryAt: p.NextRetryAt, Overdue: r.Overdue, PaidAt: p.PaidAt,
		Reference: p.Reference, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Attempts: []payments.Attempt{}}
	if err := json.Unmarshal(r.AttemptList, &out.Attempts); err != nil {
		return FinancePayment{}, fmt.Errorf("decode attempts of payment %s: %w", p.ID, err)
	}
	if p.DueOn != nil {
		due := p.DueOn.Format(time.DateOnly)
		out.DueOn = &due
		if r.Overdue {
			out.DaysOverdue = int(today.Sub(*p.DueOn).Hours() / 24)
		}
	}
	out.AllowedActions = paymentActions(caller(c), out)
	return out, nil
}

// paymentActions is what the caller may do with a payment: finance and admin record a transfer
// against an unpaid invoice and retry a failed card payment.
func paymentActions(cl Caller, p FinancePayment) []string {
	actions := []string{}
	if cl.Role != "finance" && cl.Role != "admin" {
		return actions
	}
	if p.Method == payments.MethodInvoice && p.unpaid() {
		actions = append(actions, "mark_paid")
	}
	if p.Method == payments.MethodCard && p.Status == payments.StatusFailed {
		actions = append(actions, "retry")
	}
	return actions
}

// today is the company's calendar day, as a date.
func (s *Server) today() time.Time {
	y, m, d := time.Now().In(s.cfg.CompanyTZ).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// visiblePayment loads the payment named by :id if the caller may see it; otherwise it answers
// 404 (whether the payment exists or not) and returns false.
func (s *Server) visiblePayment(c *gin.Context) (FinancePayment, bool) {
	paymentID, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, http.StatusNotFound, "not_found")
		return FinancePayment{}, false
	}
	p, found, err := s.paymentByID(c, paymentID)
	if err != nil {
		s.failInternal(c, err)
		return FinancePayment{}, false
	}
	if !found {
		fail(c, http.StatusNotFound, "not_found")
	}
	return p, found
}

// paymentByID reads one payment in the caller's scope.
func (s *Server) paymentByID(c *gin.Context, paymentID uuid.UUID) (FinancePayment, bool, error) {
	items, _, err := s.financePayments(c, store.ListFinancePaymentsParams{PaymentID: &paymentID}, 1, 0)
	if err != nil || len(items) == 0 {
		return FinancePayment{}, false, err
	}
	return items[0], true, nil
}

func (s *Server) getPayment(c *gin.Context) {
	if p, ok := s.visiblePayment(c); ok {
		c.JSON(http.StatusOK, p)
	}
}

// --- finance's actions -------------------------------------------------------------------------

// clockSkew is how far ahead of ours a client's clock may be when it sends "now".
const clockSkew = time.Minute

type markPaidRequest struct {
	// PaidAt is when the transfer arrived: YYYY-MM-DD (the company's day) or RFC 3339.
	PaidAt    string `json:"paid_at" validate:"required"`
	Reference string `json:"reference" validate:"required,max=140"`
}

// markPaymentPaid records a bank transfer against an unpaid invoice through the sale's
// workflow, which activates the sale, and answers the payment after it.
func (s *Server) markPaymentPaid(c *gin.Context) {
	p, ok := s.visiblePayment(c)
	if !ok {
		return
	}
	var req markPaidRequest
	if !decodeJSON(c, &req) {
		return
	}
	req.Reference = strings.TrimSpace(req.Reference)
	paidAt, fields := s.checkMarkPaid(c, req, p.CreatedAt)
	if len(fields) > 0 {
		failFields(c, fields)
		return
	}
	switch {
	case p.Method != payments.MethodInvoice:
		failFinance(c, http.StatusConflict, "not_an_invoice")
		return
	case !p.unpaid():
		failFinance(c, http.StatusConflict, "payment_final", paymentStatusLabel(lang(c), p.Status))
		return
	}
	in := workflows.MarkPaidInput{PaymentID: p.ID.String(), PaidAt: paidAt, Reference: req.Reference, Actor: actor(c)}
	s.changePayment(c, p, workflows.UpdateMarkPaid, in, "payment.mark_paid")
}

// checkMarkPaid validates a recorded transfer: a date from the day the invoice was issued (a
// transfer cannot pay an invoice before it exists; a typo of 1900 would post to a closed
// year) up to now, and a payment order reference.
func (s *Server) checkMarkPaid(c *gin.Context, req markPaidRequest, issuedAt time.Time) (time.Time, map[string]string) {
	fields := structErrors(c, &req)
	if _, bad := fields["paid_at"]; bad || req.PaidAt == "" {
		return time.Time{}, fields
	}
	paidAt, ok := s.parseTime(req.PaidAt)
	switch {
	case !ok:
		fields["paid_at"] = fieldMessage(lang(c), "date")
	case paidAt.After(time.Now().Add(clockSkew)):
		fields["paid_at"] = pick(financeMessages, "paid_at_future", lang(c))
	case paidAt.Before(startOfDay(issuedAt.In(s.cfg.CompanyTZ))):
		fields["paid_at"] = fmt.Sprintf(pick(financeMessages, "paid_at_early", lang(c)),
			issuedAt.In(s.cfg.CompanyTZ).Format("02.01.2006"))
	}
	return paidAt, fields
}

// retryPayment opens a new attempt of a failed card payment now, through the sale's workflow.
func (s *Server) retryPayment(c *gin.Context) {
	p, ok := s.visiblePayment(c)
	if !ok {
		return
	}
	switch {
	case p.Method != payments.MethodCard:
		failFinance(c, http.StatusConflict, "not_a_card_payment")
		return
	case p.Status != payments.StatusFailed:
		failFinance(c, http.StatusConflict, "payment_not_failed", paymentStatusLabel(lang(c), p.Status))
		return
	}
	in := workflows.RetryPaymentInput{PaymentID: p.ID.String(), Actor: actor(c)}
	s.changePayment(c, p, workflows.UpdateRetryPayment, in, "payment.retry")
}

// changePayment sends an update about a payment to its sale's workflow, audits it and answers
// the payment as it is after the update: 200 when the workflow finished it, 202 when it is
// still at work.
func (s *Server) changePayment(c *gin.Context, before FinancePayment, update string, arg any, action string) {
	status := http.StatusOK
	if err := s.updateSaleWorkflow(c.Request.Context(), before.SaleID, update, arg); err != nil {
		if !isUpdateStillRunning(err) {
			s.answerPaymentUpdateError(c, err)
			return
		}
		// still at work only if the workflow answers at all; else Temporal or the worker is down
		if v, qerr := s.currentState(c.Request.Context(), before.SaleID); qerr != nil || v.Stale {
			s.failTemporal(c, errors.Join(err, qerr, errTemporalUnavailable))
			return
		}
		status = http.StatusAccepted
	}
	after, found, err := s.paymentByID(c, before.ID)
	if err != nil || !found {
		s.failInternal(c, errors.Join(fmt.Errorf("reread payment %s", before.ID), err))
		return
	}
	cl := caller(c)
	s.writeAudit(c, &cl.ID, cl.Email, action, "payment", before.ID.String(), paymentAuditOf(before),
		gin.H{"request": arg, "payment": paymentAuditOf(after)})
	c.JSON(status, after)
}

// paymentAuditOf is what the audit trail keeps of a payment's state.
func paymentAuditOf(p FinancePayment) gin.H {
	return gin.H{"status": p.Status, "attempts": len(p.Attempts), "paid_at": p.PaidAt, "reference": p.Reference,
		"next_retry_at": p.NextRetryAt}
}

// updateSaleWorkflow sends an update to a sale's workflow and waits for it to finish.
func (s *Server) updateSaleWorkflow(ctx context.Context, saleID uuid.UUID, update string, arg any) error {
	ctx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	handle, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(saleID.String()), UpdateName: update, Args: []any{sealed(saleID.String(), arg)},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return err
	}
	return handle.Get(ctx, nil)
}

// isUpdateStillRunning says whether the update outlived the wait: the workflow carries on.
func isUpdateStillRunning(err error) bool {
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	return errors.As(err, &timeout) || errors.Is(err, context.DeadlineExceeded)
}

// answerPaymentUpdateError turns a refused or failed payment update into the error envelope.
func (s *Server) answerPaymentUpdateError(c *gin.Context, err error) {
	var app *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &app) && app.Type() == workflows.ErrTypePaymentNotOpen:
		// paid, voided or already retrying by the time the workflow took the update
		var status string
		_ = app.Details(&status)
		failFinance(c, http.StatusConflict, "payment_not_open", paymentStatusLabel(lang(c), status))
	case errors.As(err, &app):
		s.answerBusinessError(c, app)
	case errors.As(err, &notFound):
		failFinance(c, http.StatusConflict, "sale_final")
	default:
		s.failTemporal(c, err)
	}
}

func paymentStatusLabel(l, status string) string {
	t, ok := paymentStatusLabels[status]
	if !ok {
		return status
	}
	if l == "en" {
		return t[1]
	}
	return t[0]
}

// --- query parameters --------------------------------------------------------------------------

// queryCheck reads optional query parameters and collects every wrong one, so that one 400
// names them all.
type queryCheck struct {
	s      *Server
	c      *gin.Context
	fields map[string]string
}

func (s *Server) checkQuery(c *gin.Context) *queryCheck {
	return &queryCheck{s: s, c: c, fields: map[string]string{}}
}

func (q *queryCheck) wrong(name, msg string) { q.fields[name] = msg }

// ok answers 400 when any parameter was wrong.
func (q *queryCheck) ok() bool {
	if len(q.fields) > 0 {
		badQuery(q.c, q.fields)
		return false
	}
	return true
}

func (q *queryCheck) oneOf(name string, allowed ...string) string {
	v := q.c.Query(name)
	if v != "" && !slices.Contains(allowed, v) {
		q.wrong(name, fieldMessage(lang(q.c), "oneof", strings.Join(allowed, ", ")))
		return ""
	}
	return v
}

func (q *queryCheck) int(name string) *int64 {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		q.wrong(name, fieldMessage(lang(q.c), "integer"))
		return nil
	}
	return &n
}

func (q *queryCheck) time(name string) *time.Time {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	t, ok := q.s.parseTime(v)
	if !ok {
		q.wrong(name, fieldMessage(lang(q.c), "date"))
		return nil
	}
	return &t
}

func (q *queryCheck) uuid(name string) *uuid.UUID {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		q.wrong(name, fieldMessage(lang(q.c), "invalid"))
		return nil
	}
	return &id
}

// parseTime reads a time as YYYY-MM-DD (midnight in the company's zone) or RFC 3339.
// startOfDay is 00:00 of t's day in t's zone.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func (s *Server) parseTime(v string) (time.Time, bool) {
	if t, err := time.ParseInLocation(time.DateOnly, v, s.cfg.CompanyTZ); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}
