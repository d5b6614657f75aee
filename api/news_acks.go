package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"karso.ru/prm/db/store"
	"karso.ru/prm/reports"
)

// AckPerson is one addressed person and whether they acknowledged.
type AckPerson struct {
	UserID         int64      `json:"user_id"`
	FullName       string     `json:"full_name"`
	Email          string     `json:"email"`
	Role           string     `json:"role"`
	PartnerID      *int64     `json:"partner_id"`
	PartnerName    *string    `json:"partner_name"`
	Salons         string     `json:"salons"`
	ReadAt         *time.Time `json:"read_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
}

// AckPartner sums a partner's people (nil partner: the company's staff).
type AckPartner struct {
	PartnerID    *int64  `json:"partner_id"`
	PartnerName  *string `json:"partner_name"`
	Salons       string  `json:"salons"`
	Addressed    int     `json:"addressed"`
	Acknowledged int     `json:"acknowledged"`
}

// AckReport is who has and who has not acknowledged an announcement.
type AckReport struct {
	NewsID       int64        `json:"news_id"`
	Title        string       `json:"title"`
	Addressed    int          `json:"addressed"`
	Acknowledged int          `json:"acknowledged"`
	Partners     []AckPartner `json:"partners"`
	People       []AckPerson  `json:"people"`
}

// ackReport reads the report of an item the caller wrote (any for an admin).
func (s *Server) ackReport(c *gin.Context) (AckReport, bool) {
	n, ok := s.authorsNews(c)
	if !ok {
		return AckReport{}, false
	}
	rows, err := s.q.NewsAcknowledgements(c.Request.Context(), n.ID)
	if err != nil {
		s.failInternal(c, err)
		return AckReport{}, false
	}
	return buildAckReport(n, rows), true
}

// buildAckReport groups the people by partner in the order the query gives (staff first).
func buildAckReport(n store.News, rows []store.NewsAcknowledgementsRow) AckReport {
	rep := AckReport{NewsID: n.ID, Title: n.Title, Partners: []AckPartner{}, People: make([]AckPerson, 0, len(rows))}
	for _, r := range rows {
		rep.People = append(rep.People, AckPerson{UserID: r.UserID, FullName: r.FullName, Email: r.Email, Role: r.Role,
			PartnerID: r.PartnerID, PartnerName: r.PartnerName, Salons: r.Salons, ReadAt: r.ReadAt,
			AcknowledgedAt: r.AcknowledgedAt})
		last := len(rep.Partners) - 1
		if last < 0 || !samePartner(rep.Partners[last].PartnerID, r.PartnerID) {
			rep.Partners = append(rep.Partners, AckPartner{PartnerID: r.PartnerID, PartnerName: r.PartnerName, Salons: r.Salons})
			last++
		}
		rep.Partners[last].Addressed++
		rep.Addressed++
		if r.AcknowledgedAt != nil {
			rep.Partners[last].Acknowledged++
			rep.Acknowledged++
		}
	}
	return rep
}

func samePartner(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func (s *Server) newsAcknowledgements(c *gin.Context) {
	rep, ok := s.ackReport(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, rep)
}

// newsAcknowledgementsXLSX is the same report as a workbook: one line per person.
func (s *Server) newsAcknowledgementsXLSX(c *gin.Context) {
	rep, ok := s.ackReport(c)
	if !ok {
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	ru := lang(c) != "en"
	header := []any{"Partner", "Salons", "Name", "E-mail", "Role", "Read", "Acknowledged"}
	if ru {
		header = []any{"Партнёр", "Салоны", "ФИО", "E-mail", "Роль", "Прочитано", "Ознакомлен"}
	}
	rows := [][]any{{rep.Title}, {fmt.Sprintf("%d / %d", rep.Acknowledged, rep.Addressed)}, header}
	for _, p := range rep.People {
		partner := "Karso"
		if p.PartnerName != nil {
			partner = *p.PartnerName
		}
		rows = append(rows, []any{partner, p.Salons, p.FullName, p.Email, p.Role, s.xlsxTime(p.ReadAt), s.xlsxTime(p.AcknowledgedAt)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			s.failInternal(c, err)
			return
		}
	}
	_ = f.SetColWidth(sheet, "A", "G", 24)
	buf, err := f.WriteToBuffer()
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="news-%d-acknowledgements.xlsx"`, rep.NewsID))
	c.Data(http.StatusOK, reports.XLSXContentType, buf.Bytes())
}

// xlsxTime writes a time in the company's zone, empty when there is none.
func (s *Server) xlsxTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(s.cfg.CompanyTZ).Format("02.01.2006 15:04")
}
