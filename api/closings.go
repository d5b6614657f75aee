package api

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"karso.ru/prm/db/store"
	"karso.ru/prm/workflows"
)

// mountClosings adds the monthly closing: admins start it for a past month (the schedule closes
// each month on the 1st by itself), admins and finance read the closings register.
func (s *Server) mountClosings(r *gin.RouterGroup) {
	r.POST("/closings", allow("admin"), s.startClosing)
	r.GET("/closings", allow("admin", "finance"), s.listClosings)
}

// closingMessages are the texts of the closing endpoints' own codes, Russian first.
var closingMessages = map[string][2]string{
	"month_format":    {"Ожидается месяц в формате ГГГГ-ММ", "Expected a month as YYYY-MM"},
	"month_not_past":  {"Закрыть можно только прошедший месяц", "Only a month that has ended can be closed"},
	"closing_running": {"Закрытие месяца %s уже идёт", "The closing of %s is already running"},
}

// monthPattern is a month as the API takes it; time.Parse alone would accept "2026-3".
var monthPattern = regexp.MustCompile(`^\d{4}-\d{2}$`)

type startClosingRequest struct {
	Month string `json:"month" validate:"required"`
}

// ClosingStarted answers a started closing: the workflow to follow.
type ClosingStarted struct {
	Month      string `json:"month"`
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
}

// startClosing starts the closing of a past month as the workflow closing-<month>. A month
// closed before is closed again (the workflow repeats nothing it did); a closing of the month
// that is still running answers 409.
func (s *Server) startClosing(c *gin.Context) {
	var req startClosingRequest
	if !bindJSON(c, &req) {
		return
	}
	if code := s.closableMonth(req.Month); code != "" {
		failFields(c, map[string]string{"month": pick(closingMessages, code, lang(c))})
		return
	}
	id := workflows.ClosingWorkflowID(req.Month)
	run, err := s.temporal.ExecuteWorkflow(c.Request.Context(), client.StartWorkflowOptions{ID: id,
		TaskQueue: s.cfg.TemporalTaskQueue,
		// a finished closing may run again; a running one is not started twice
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.ClosingWorkflow, workflows.ClosingInput{Month: req.Month, TimeZone: s.cfg.CompanyTZ.String()})
	var running *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &running) {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "closing_running",
			Message: fmt.Sprintf(pick(closingMessages, "closing_running", lang(c)), req.Month)}})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	out := ClosingStarted{Month: req.Month, WorkflowID: id, RunID: run.GetRunID()}
	cl := caller(c)
	s.writeAudit(c, &cl.ID, cl.Email, "closing.start", "closing", req.Month, nil, out)
	c.JSON(http.StatusAccepted, out)
}

// closableMonth names what is wrong with month as a month to close, or "" when it is a YYYY-MM
// month that ended before the current month of the company's calendar began.
func (s *Server) closableMonth(month string) string {
	if !monthPattern.MatchString(month) {
		return "month_format"
	}
	start, err := time.ParseInLocation(workflows.MonthLayout, month, s.cfg.CompanyTZ)
	if err != nil {
		return "month_format"
	}
	now := time.Now().In(s.cfg.CompanyTZ)
	current := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.cfg.CompanyTZ)
	if !start.Before(current) {
		return "month_not_past"
	}
	return ""
}

// Closing is one partner's closing of a month as the register shows it.
type Closing struct {
	// Month is "2026-03".
	Month       string `json:"month"`
	PartnerID   int64  `json:"partner_id"`
	PartnerName string `json:"partner_name"`
	// Status is in_progress, documents_issued, reconciled, mismatch or closed.
	Status string `json:"status"`
	// SalesTotalKopecks is the price the month's sales call for; LedgerTotalKopecks the price
	// the ledger credited for them.
	SalesTotalKopecks  int64      `json:"sales_total_kopecks"`
	LedgerTotalKopecks int64      `json:"ledger_total_kopecks"`
	FinishedAt         *time.Time `json:"finished_at"`
}

// listClosings lists the closings register, newest month first; ?month=YYYY-MM narrows it to
// one month.
func (s *Server) listClosings(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	params := store.ListClosingsParams{Lim: p.limit(), Off: p.offset()}
	if m := c.Query("month"); m != "" {
		t, err := time.Parse(workflows.MonthLayout, m)
		if err != nil || !monthPattern.MatchString(m) {
			badQuery(c, map[string]string{"month": pick(closingMessages, "month_format", lang(c))})
			return
		}
		params.Month = &t
	}
	rows, err := s.q.ListClosings(c.Request.Context(), params)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]Closing, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, Closing{Month: r.Month.Format(workflows.MonthLayout), PartnerID: r.PartnerID,
			PartnerName: r.PartnerName, Status: r.Status, SalesTotalKopecks: r.SalesTotal,
			LedgerTotalKopecks: r.LedgerTotal, FinishedAt: r.FinishedAt})
	}
	p.answer(c, items, total)
}
