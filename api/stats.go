package api

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"karso.ru/prm/reports"
	"karso.ru/prm/warranty"
)

// mountReports adds statistics, report templates and report runs. Every role reads them
// within its own scope; only admins edit templates.
func (s *Server) mountReports(authed *gin.RouterGroup) {
	authed.GET("/stats", s.stats)
	authed.GET("/report-sources", s.reportSources)
	authed.GET("/report-templates", s.listReportTemplates)
	authed.GET("/report-templates/:id", s.getReportTemplate)
	authed.POST("/report-templates", allow("admin"), s.createReportTemplate)
	authed.PUT("/report-templates/:id", allow("admin"), s.updateReportTemplate)
	authed.GET("/reports/:code", s.runReport)
}

// the texts of the statistics and reports' own error codes
func init() {
	messages["too_many_rows"] = [2]string{
		"В отчёте больше %d строк — для PDF это слишком много. Уточните фильтры или выгрузите в Excel",
		"The report has more than %d rows, too many for a PDF. Narrow the filters or export to Excel"}
	messages["template_code_taken"] = [2]string{"Шаблон с таким кодом уже есть", "A template with this code already exists"}
	fieldMessages["period_reversed"] = [2]string{"Конец периода раньше его начала", "The period ends before it starts"}
	fieldMessages["period_too_long"] = [2]string{"Период слишком длинный (не больше %s дней)", "The period is too long (at most %s days)"}
	fieldMessages["unique"] = [2]string{"Уже занято", "Already taken"}
}

// GET /stats?group_by=&from=&to=&partner_id=&salon_id=&city=&tariff_code=&status=&format=
// answers reports.Stats: the figures of the period (by default the current month) and of the
// period before it, per group and in total, within the caller's scope. format=xlsx or pdf
// downloads the same figures as a file.
func (s *Server) stats(c *gin.Context) {
	format, ok := exportFormat(c)
	if !ok {
		return
	}
	q := reports.StatsQuery{GroupBy: reports.Grouping(c.DefaultQuery("group_by", string(reports.ByDay))),
		Scope: scopeOf(c), Lang: lang(c)}
	if !q.GroupBy.Valid() {
		badQuery(c, map[string]string{"group_by": fieldMessage(lang(c), "oneof", groupingList())})
		return
	}
	if q.Period, ok = s.period(c, reports.MaxStatsDays); !ok {
		return
	}
	if q.GroupBy == reports.ByDay && q.Period.Days() > reports.MaxStatsDaysByDay {
		badQuery(c, map[string]string{"to": fieldMessage(lang(c), "period_too_long", fmt.Sprint(reports.MaxStatsDaysByDay))})
		return
	}
	if q.Filter, ok = salesFilter(c); !ok {
		return
	}
	st, err := reports.Statistics(c.Request.Context(), s.pool, s.cfg.CompanyTZ, q)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	name := fmt.Sprintf("stats-%s-%s", q.GroupBy, q.Period.From.Format(reports.DateLayout))
	switch format {
	case "xlsx":
		s.sendXLSX(c, name, reports.StatsDocument(st, s.cfg.CompanyTZ, lang(c)))
	case "pdf":
		s.sendPDF(c, name, reports.StatsDocument(st, s.cfg.CompanyTZ, lang(c)))
	default:
		// written without reflection into a reused buffer: by salon an admin's answer is
		// thousands of groups, three megabytes
		buf := jsonBuffers.Get().(*[]byte)
		if need := 1024 + 600*len(st.Groups); cap(*buf) < need {
			*buf = make([]byte, 0, need)
		}
		*buf = st.AppendJSON((*buf)[:0])
		c.Data(http.StatusOK, "application/json; charset=utf-8", *buf)
		if cap(*buf) <= maxPooledJSON {
			jsonBuffers.Put(buf)
		}
	}
}

// jsonBuffers keep the buffers statistics are written into from one request to the next:
// allocating (and zeroing) an admin's three megabytes by salon anew each time cost more in
// garbage collection than writing them. A buffer is reused once the answer is written.
var jsonBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledJSON bounds the buffers kept: a rare huge answer is not held on to.
const maxPooledJSON = 8 << 20

func groupingList() string {
	var names []string
	for _, g := range reports.Groupings() {
		names = append(names, string(g))
	}
	return strings.Join(names, ", ")
}

// scopeOf is the caller as the reports' SQL scopes rows: role, user and partner.
func scopeOf(c *gin.Context) reports.Scope {
	role, uid, partner := caller(c).scope()
	return reports.Scope{Role: role, UserID: uid, PartnerID: partner}
}

// exportFormat reads ?format=: "" (JSON), xlsx or pdf.
func exportFormat(c *gin.Context) (string, bool) {
	f := c.Query("format")
	switch f {
	case "", "json":
		return "", true
	case "xlsx", "pdf":
		return f, true
	}
	badQuery(c, map[string]string{"format": fieldMessage(lang(c), "oneof", "json, xlsx, pdf")})
	return "", false
}

// period reads ?from=&to= as dates in the company's zone, both included. Without them it is
// the current month; with one of them, that date's month up to or from it.
func (s *Server) period(c *gin.Context, maxDays int) (reports.Period, bool) {
	from, ok := s.optTime(c, "from")
	if !ok {
		return reports.Period{}, false
	}
	to, ok := s.optTime(c, "to")
	if !ok {
		return reports.Period{}, false
	}
	loc := s.cfg.CompanyTZ
	month := reports.MonthOf(time.Now(), loc)
	switch {
	case from == nil && to == nil:
		return month, true
	case from == nil:
		f := reports.MonthOf(*to, loc).From
		from = &f
	case to == nil:
		t := reports.MonthOf(*from, loc).To
		to = &t
	}
	p, err := reports.NewPeriod(*from, *to, loc)
	if errors.Is(err, reports.ErrPeriodReversed) {
		badQuery(c, map[string]string{"to": fieldMessage(lang(c), "period_reversed")})
		return p, false
	}
	if p.Days() > maxDays {
		badQuery(c, map[string]string{"to": fieldMessage(lang(c), "period_too_long", fmt.Sprint(maxDays))})
		return p, false
	}
	return p, true
}

// salesFilter reads the filters statistics and reports share.
func salesFilter(c *gin.Context) (reports.SalesFilter, bool) {
	var f reports.SalesFilter
	var ok bool
	if f.PartnerID, ok = optInt(c, "partner_id"); !ok {
		return f, false
	}
	if f.SalonID, ok = optInt(c, "salon_id"); !ok {
		return f, false
	}
	f.City, f.TariffCode = strings.TrimSpace(c.Query("city")), strings.TrimSpace(c.Query("tariff_code"))
	f.Status = c.Query("status")
	if f.Status != "" && !warranty.SaleStatus(f.Status).Valid() {
		names := make([]string, 0, 8)
		for _, st := range warranty.SaleStatuses() {
			names = append(names, string(st))
		}
		badQuery(c, map[string]string{"status": fieldMessage(lang(c), "oneof", strings.Join(names, ", "))})
		return f, false
	}
	return f, true
}

// sendXLSX answers a small document (statistics) as an Excel download.
func (s *Server) sendXLSX(c *gin.Context, name string, d reports.Document) {
	s.startDownload(c, name+".xlsx", reports.XLSXContentType)
	if err := reports.WriteXLSX(c.Writer, d); err != nil {
		s.abortDownload(c, err)
	}
}

// sendPDF renders the whole PDF before answering, so a failure is still a clean error.
func (s *Server) sendPDF(c *gin.Context, name string, d reports.Document) {
	var buf bytes.Buffer
	err := reports.WritePDF(&buf, d)
	if errors.Is(err, reports.ErrTooManyRows) {
		fail(c, http.StatusUnprocessableEntity, "too_many_rows", reports.MaxPDFRows)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.Header("Content-Disposition", attachment(name+".pdf"))
	c.Data(http.StatusOK, reports.PDFContentType, buf.Bytes())
}

// startDownload sends the status and headers of a file download at once, before the file is
// written: the client sees the download begin while the rows are still being read, and a
// proxy is asked not to buffer it.
func (s *Server) startDownload(c *gin.Context, file, contentType string) {
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", attachment(file))
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no")
	allowLongAnswer(c)
	c.Status(http.StatusOK)
	c.Writer.WriteHeaderNow()
	c.Writer.Flush()
}

// abortDownload ends a download that failed after its headers went out: the status can no
// longer change, so the connection is closed before the end of the body, and the client sees a
// broken transfer instead of a file that looks whole.
func (s *Server) abortDownload(c *gin.Context, err error) {
	s.log.ErrorContext(c.Request.Context(), "download failed", "err", err, "path", c.FullPath(),
		"request_id", c.GetString(ctxRequestID))
	c.Abort()
	conn, _, herr := c.Writer.Hijack()
	if herr != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // reset rather than a tidy close that could pass for the end
	}
	_ = conn.Close()
}

func attachment(file string) string {
	return fmt.Sprintf(`attachment; filename="%s"`, file)
}
