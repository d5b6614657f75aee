package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/reports"
)

// GET /report-sources: what templates can be built from (columns, moments, statuses,
// groupings), for the template editor.
func (s *Server) reportSources(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"items": reports.Sources(lang(c))})
}

func templateFromRow(r store.ReportTemplate) (reports.Template, error) {
	t := reports.Template{ID: r.ID, Code: r.Code, Name: r.Name, Source: r.Source, GroupBy: r.GroupBy,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if err := json.Unmarshal(r.Columns, &t.Columns); err != nil {
		return t, fmt.Errorf("template %s columns: %w", r.Code, err)
	}
	if err := json.Unmarshal(r.Filters, &t.Filters); err != nil {
		return t, fmt.Errorf("template %s filters: %w", r.Code, err)
	}
	if t.Filters.Statuses == nil {
		t.Filters.Statuses = []string{}
	}
	return t, nil
}

func (s *Server) listReportTemplates(c *gin.Context) {
	rows, err := s.q.ListReportTemplates(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]reports.Template, 0, len(rows))
	for _, r := range rows {
		t, err := templateFromRow(r)
		if err != nil {
			s.failInternal(c, err)
			return
		}
		items = append(items, t)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// findTemplate loads a template by id; a missing one has answered 404.
func (s *Server) findTemplate(c *gin.Context) (reports.Template, bool) {
	tid, ok := pathID(c)
	if !ok {
		return reports.Template{}, false
	}
	r, err := s.q.GetReportTemplate(c.Request.Context(), tid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return reports.Template{}, false
	}
	if err != nil {
		s.failInternal(c, err)
		return reports.Template{}, false
	}
	t, err := templateFromRow(r)
	if err != nil {
		s.failInternal(c, err)
		return t, false
	}
	return t, true
}

func (s *Server) getReportTemplate(c *gin.Context) {
	if t, ok := s.findTemplate(c); ok {
		c.JSON(http.StatusOK, t)
	}
}

// templateInput is what an admin sends to create or replace a template.
type templateInput struct {
	Code    string                  `json:"code"`
	Name    string                  `json:"name"`
	Source  string                  `json:"source"`
	Columns []string                `json:"columns"`
	Filters reports.TemplateFilters `json:"filters"`
	GroupBy string                  `json:"group_by"`
}

// readTemplate decodes and checks a template; on failure it has answered.
func readTemplate(c *gin.Context) (reports.Template, bool) {
	var in templateInput
	if !decodeJSON(c, &in) {
		return reports.Template{}, false
	}
	t := reports.Template{Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), Source: in.Source,
		Columns: in.Columns, Filters: in.Filters, GroupBy: in.GroupBy}
	if t.Filters.Statuses == nil {
		t.Filters.Statuses = []string{}
	}
	if errs := t.Validate(); len(errs) > 0 {
		fields := map[string]string{}
		for _, e := range errs {
			if _, seen := fields[e.Field]; seen {
				continue
			}
			switch {
			case e.Code == "invalid" && e.Param != "":
				fields[e.Field] = fieldMessage(lang(c), "invalid") + ": " + e.Param
			case e.Param != "":
				fields[e.Field] = fieldMessage(lang(c), e.Code, strings.ReplaceAll(e.Param, " ", ", "))
			default:
				fields[e.Field] = fieldMessage(lang(c), e.Code)
			}
		}
		failFields(c, fields)
		return t, false
	}
	return t, true
}

func templateParams(t reports.Template) (columns, filters []byte) {
	columns, _ = json.Marshal(t.Columns)
	filters, _ = json.Marshal(t.Filters)
	return columns, filters
}

func (s *Server) answerTemplateCodeTaken(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "template_code_taken",
		Message: message(lang(c), "template_code_taken"), Fields: map[string]string{"code": fieldMessage(lang(c), "unique")}}})
}

// POST /report-templates (admin, audited)
func (s *Server) createReportTemplate(c *gin.Context) {
	t, ok := readTemplate(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	cl := caller(c)
	var out reports.Template
	err := s.inTx(c, func(q *store.Queries) error {
		columns, filters := templateParams(t)
		saved, err := q.CreateReportTemplate(ctx, store.CreateReportTemplateParams{Code: t.Code, Name: t.Name,
			Source: t.Source, Columns: columns, Filters: filters, GroupBy: t.GroupBy, CreatedBy: &cl.ID})
		if err != nil {
			return err
		}
		if out, err = templateFromRow(saved); err != nil {
			return err
		}
		return s.auditTx(c, q, "report_template.create", "report_template", id(saved.ID), nil, out)
	})
	if isUniqueViolation(err, "report_templates_code_key") {
		s.answerTemplateCodeTaken(c)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// PUT /report-templates/:id replaces a template (admin, audited with before and after).
func (s *Server) updateReportTemplate(c *gin.Context) {
	before, ok := s.findTemplate(c)
	if !ok {
		return
	}
	t, ok := readTemplate(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var out reports.Template
	err := s.inTx(c, func(q *store.Queries) error {
		columns, filters := templateParams(t)
		saved, err := q.UpdateReportTemplate(ctx, store.UpdateReportTemplateParams{ID: before.ID, Code: t.Code,
			Name: t.Name, Source: t.Source, Columns: columns, Filters: filters, GroupBy: t.GroupBy})
		if err != nil {
			return err
		}
		if out, err = templateFromRow(saved); err != nil {
			return err
		}
		return s.auditTx(c, q, "report_template.update", "report_template", id(before.ID), before, out)
	})
	if isUniqueViolation(err, "report_templates_code_key") {
		s.answerTemplateCodeTaken(c)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// GET /reports/:code?from=&to=&partner_id=&salon_id=&city=&tariff_code=&status=a,b&method=&purpose=
// &page=&per_page=&format= runs a template within the caller's scope: a page of rows with the
// totals of the whole report, or the whole report as xlsx (streamed as rows arrive) or pdf.
func (s *Server) runReport(c *gin.Context) {
	format, ok := exportFormat(c)
	if !ok {
		return
	}
	r, err := s.q.GetReportTemplateByCode(c.Request.Context(), c.Param("code"))
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	t, err := templateFromRow(r)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	q, ok := s.reportQuery(c, t)
	if !ok {
		return
	}
	switch format {
	case "xlsx":
		s.exportReportXLSX(c, q)
	case "pdf":
		s.exportReportPDF(c, q)
	default:
		p, ok := paging(c)
		if !ok {
			return
		}
		page, err := reports.RunPage(c.Request.Context(), s.pool, s.cfg.CompanyTZ, q, int(p.Page), int(p.PerPage))
		if err != nil {
			s.failInternal(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
	}
}

// reportQuery reads a report's filters; statuses are a comma-separated list that replaces the
// template's.
func (s *Server) reportQuery(c *gin.Context, t reports.Template) (reports.ReportQuery, bool) {
	q := reports.ReportQuery{Template: t, Scope: scopeOf(c), Lang: lang(c)}
	var ok bool
	if q.Period, ok = s.period(c, reports.MaxReportDays); !ok {
		return q, false
	}
	if q.Filter.PartnerID, ok = optInt(c, "partner_id"); !ok {
		return q, false
	}
	if q.Filter.SalonID, ok = optInt(c, "salon_id"); !ok {
		return q, false
	}
	q.Filter.City, q.Filter.TariffCode = strings.TrimSpace(c.Query("city")), strings.TrimSpace(c.Query("tariff_code"))
	q.Filter.Method, q.Filter.Purpose = c.Query("method"), c.Query("purpose")
	if v := c.Query("status"); v != "" {
		q.Filter.Statuses = strings.Split(v, ",")
	}
	if err := q.Validate(); errors.Is(err, reports.ErrUnknownStatus) {
		badQuery(c, map[string]string{"status": fieldMessage(lang(c), "invalid")})
		return q, false
	} else if err != nil {
		s.failInternal(c, err)
		return q, false
	}
	return q, true
}

func reportFileName(q reports.ReportQuery) string {
	return q.Template.Code + "-" + q.Period.From.Format(reports.DateLayout) + "-" + q.Period.To.Format(reports.DateLayout)
}

// exportReportXLSX streams the workbook: the query starts, the download begins, and rows go
// from PostgreSQL through excelize's stream writer to the client without the report ever
// being held in memory.
func (s *Server) exportReportXLSX(c *gin.Context, q reports.ReportQuery) {
	err := reports.ExportReport(c.Request.Context(), s.pool, s.cfg.CompanyTZ, q, reports.MaxXLSXRows,
		func(d reports.Document) error {
			s.startDownload(c, reportFileName(q)+".xlsx", reports.XLSXContentType)
			return reports.WriteXLSX(c.Writer, d)
		})
	switch {
	case err == nil:
	case c.Writer.Written():
		s.abortDownload(c, err)
	default:
		s.failInternal(c, err)
	}
}

func (s *Server) exportReportPDF(c *gin.Context, q reports.ReportQuery) {
	var buf bytes.Buffer
	err := reports.ExportReport(c.Request.Context(), s.pool, s.cfg.CompanyTZ, q, reports.MaxPDFRows,
		func(d reports.Document) error { return reports.WritePDF(&buf, d) })
	if errors.Is(err, reports.ErrTooManyRows) {
		fail(c, http.StatusUnprocessableEntity, "too_many_rows", reports.MaxPDFRows)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.Header("Content-Disposition", attachment(reportFileName(q)+".pdf"))
	c.Data(http.StatusOK, reports.PDFContentType, buf.Bytes())
}
