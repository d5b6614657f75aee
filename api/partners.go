package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// Partner is a legal entity of the dealer network: a distributor or a dealer.
type Partner struct {
	ID                 int64     `json:"id"`
	Name               string    `json:"name"`
	INN                string    `json:"inn"`
	KPP                string    `json:"kpp"`
	OGRN               string    `json:"ogrn"`
	LegalAddress       string    `json:"legal_address"`
	BankName           string    `json:"bank_name"`
	BIK                string    `json:"bik"`
	BankAccount        string    `json:"bank_account"`
	CorrAccount        string    `json:"corr_account"`
	ParentID           *int64    `json:"parent_id"`
	ParentName         *string   `json:"parent_name"`
	Status             string    `json:"status"`
	CommissionBP       int32     `json:"commission_bp"`
	PaymentMethod      string    `json:"payment_method"`
	DeferralDays       int32     `json:"deferral_days"`
	CreditLimitKopecks int64     `json:"credit_limit_kopecks"`
	SalonsCount        int64     `json:"salons_count"`
	CreatedAt          time.Time `json:"created_at"`
}

func partnerFromRow(p store.Partner, parentName *string, salons int64) Partner {
	return Partner{ID: p.ID, Name: p.Name, INN: p.Inn, KPP: p.Kpp, OGRN: p.Ogrn, LegalAddress: p.LegalAddress,
		BankName: p.BankName, BIK: p.Bik, BankAccount: p.BankAccount, CorrAccount: p.CorrAccount,
		ParentID: p.ParentID, ParentName: parentName, Status: p.Status, CommissionBP: p.CommissionBp,
		PaymentMethod: p.PaymentMethod, DeferralDays: p.DeferralDays, CreditLimitKopecks: p.CreditLimitKopecks,
		SalonsCount: salons, CreatedAt: p.CreatedAt}
}

func (s *Server) listPartners(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	parentID, ok := optInt(c, "parent_id")
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	rows, err := s.q.ListPartners(c.Request.Context(), store.ListPartnersParams{CallerRole: role, CallerID: uid,
		CallerPartner: partner, Q: strings.TrimSpace(c.Query("q")), Status: c.Query("status"), ParentID: parentID,
		Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]Partner, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, partnerFromRow(store.Partner{ID: r.ID, Name: r.Name, Inn: r.Inn, Kpp: r.Kpp, Ogrn: r.Ogrn,
			LegalAddress: r.LegalAddress, BankName: r.BankName, Bik: r.Bik, BankAccount: r.BankAccount,
			CorrAccount: r.CorrAccount, ParentID: r.ParentID, Status: r.Status, CommissionBp: r.CommissionBp,
			PaymentMethod: r.PaymentMethod, DeferralDays: r.DeferralDays, CreditLimitKopecks: r.CreditLimitKopecks,
			CreatedAt: r.CreatedAt}, r.ParentName, r.SalonsCount))
	}
	p.answer(c, items, total)
}

// findPartner loads a partner the caller may see; outside the scope it does not exist.
func (s *Server) findPartner(c *gin.Context, partnerID int64) (Partner, error) {
	role, uid, partner := caller(c).scope()
	r, err := s.q.GetPartner(c.Request.Context(), store.GetPartnerParams{ID: partnerID, CallerRole: role,
		CallerID: uid, CallerPartner: partner})
	if err != nil {
		return Partner{}, err
	}
	return partnerFromRow(store.Partner{ID: r.ID, Name: r.Name, Inn: r.Inn, Kpp: r.Kpp, Ogrn: r.Ogrn,
		LegalAddress: r.LegalAddress, BankName: r.BankName, Bik: r.Bik, BankAccount: r.BankAccount,
		CorrAccount: r.CorrAccount, ParentID: r.ParentID, Status: r.Status, CommissionBp: r.CommissionBp,
		PaymentMethod: r.PaymentMethod, DeferralDays: r.DeferralDays, CreditLimitKopecks: r.CreditLimitKopecks,
		CreatedAt: r.CreatedAt}, r.ParentName, r.SalonsCount), nil
}

func (s *Server) getPartner(c *gin.Context) {
	pid, ok := pathID(c)
	if !ok {
		return
	}
	p, err := s.findPartner(c, pid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// partnerInput is the editable part of a partner; a PATCH decodes onto the saved values.
type partnerInput struct {
	Name               string `json:"name" validate:"required,max=300"`
	INN                string `json:"inn" validate:"required"`
	KPP                string `json:"kpp" validate:"omitempty,len=9,numeric"`
	OGRN               string `json:"ogrn" validate:"omitempty,numeric"`
	LegalAddress       string `json:"legal_address" validate:"max=500"`
	BankName           string `json:"bank_name" validate:"max=300"`
	BIK                string `json:"bik" validate:"omitempty,len=9,numeric"`
	BankAccount        string `json:"bank_account" validate:"omitempty,len=20,numeric"`
	CorrAccount        string `json:"corr_account" validate:"omitempty,len=20,numeric"`
	ParentID           *int64 `json:"parent_id"`
	Status             string `json:"status" validate:"required,oneof=onboarding active suspended"`
	CommissionBP       int32  `json:"commission_bp" validate:"gte=0,lte=10000"`
	PaymentMethod      string `json:"payment_method" validate:"required,oneof=card invoice"`
	DeferralDays       int32  `json:"deferral_days" validate:"gte=0,lte=365"`
	CreditLimitKopecks int64  `json:"credit_limit_kopecks" validate:"gte=0"`
}

func (in *partnerInput) trim() {
	in.Name, in.INN, in.KPP, in.OGRN = strings.TrimSpace(in.Name), strings.TrimSpace(in.INN), strings.TrimSpace(in.KPP), strings.TrimSpace(in.OGRN)
	in.LegalAddress, in.BankName = strings.TrimSpace(in.LegalAddress), strings.TrimSpace(in.BankName)
	in.BIK, in.BankAccount, in.CorrAccount = strings.TrimSpace(in.BIK), strings.TrimSpace(in.BankAccount), strings.TrimSpace(in.CorrAccount)
}

// checkPartnerRules applies the rules a struct tag cannot: the INN and OGRN checksums, the
// parent existing and not lying inside the partner's own network.
func (s *Server) checkPartnerRules(c *gin.Context, self int64, in partnerInput) bool {
	l := lang(c)
	fields := structErrors(c, in)
	if v := warranty.ValidateINN(in.INN); v != nil && fields["inn"] == "" {
		fields["inn"] = v.Message(l)
	}
	if in.OGRN != "" {
		if v := warranty.ValidateOGRN(in.OGRN); v != nil {
			fields["ogrn"] = v.Message(l)
		}
	}
	ctx := c.Request.Context()
	if in.ParentID != nil {
		if _, err := s.q.GetPartner(ctx, store.GetPartnerParams{ID: *in.ParentID, CallerRole: "admin"}); errors.Is(err, pgx.ErrNoRows) {
			fields["parent_id"] = fieldMessage(l, "not_found")
		} else if err != nil {
			s.failInternal(c, err)
			return false
		} else if self != 0 {
			cycle, err := s.q.PartnerIsInNetworkOf(ctx, store.PartnerIsInNetworkOfParams{Root: self, Candidate: *in.ParentID})
			if err != nil {
				s.failInternal(c, err)
				return false
			}
			if cycle {
				fields["parent_id"] = fieldMessage(l, "parent_cycle")
			}
		}
	}
	if len(fields) > 0 {
		failFields(c, fields)
		return false
	}
	return true
}

func (s *Server) answerINNTaken(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "inn_taken",
		Message: message(lang(c), "inn_taken"), Fields: map[string]string{"inn": message(lang(c), "inn_taken")}}})
}

func (s *Server) createPartner(c *gin.Context) {
	in := partnerInput{Status: "onboarding", PaymentMethod: "card"}
	if !decodeJSON(c, &in) {
		return
	}
	in.trim()
	if !s.checkPartnerRules(c, 0, in) {
		return
	}
	ctx := c.Request.Context()
	var newID int64
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		newID, err = q.CreatePartner(ctx, store.CreatePartnerParams{Name: in.Name, Inn: in.INN, Kpp: in.KPP,
			Ogrn: in.OGRN, LegalAddress: in.LegalAddress, BankName: in.BankName, Bik: in.BIK,
			BankAccount: in.BankAccount, CorrAccount: in.CorrAccount, ParentID: in.ParentID, Status: in.Status,
			CommissionBp: in.CommissionBP, PaymentMethod: in.PaymentMethod, DeferralDays: in.DeferralDays,
			CreditLimitKopecks: in.CreditLimitKopecks})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "partner.create", "partner", id(newID), nil, in)
	})
	if isUniqueViolation(err, "partners_inn_key") {
		s.answerINNTaken(c)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	p, err := s.findPartner(c, newID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (s *Server) updatePartner(c *gin.Context) {
	pid, ok := pathID(c)
	if !ok {
		return
	}
	before, err := s.findPartner(c, pid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	in := partnerInput{Name: before.Name, INN: before.INN, KPP: before.KPP, OGRN: before.OGRN,
		LegalAddress: before.LegalAddress, BankName: before.BankName, BIK: before.BIK, BankAccount: before.BankAccount,
		CorrAccount: before.CorrAccount, ParentID: before.ParentID, Status: before.Status,
		CommissionBP: before.CommissionBP, PaymentMethod: before.PaymentMethod, DeferralDays: before.DeferralDays,
		CreditLimitKopecks: before.CreditLimitKopecks}
	if !decodeJSON(c, &in) {
		return
	}
	in.trim()
	if !s.checkPartnerRules(c, pid, in) {
		return
	}
	ctx := c.Request.Context()
	err = s.inTx(c, func(q *store.Queries) error {
		if err := q.UpdatePartner(ctx, store.UpdatePartnerParams{ID: pid, Name: in.Name, Inn: in.INN, Kpp: in.KPP,
			Ogrn: in.OGRN, LegalAddress: in.LegalAddress, BankName: in.BankName, Bik: in.BIK,
			BankAccount: in.BankAccount, CorrAccount: in.CorrAccount, ParentID: in.ParentID, Status: in.Status,
			CommissionBp: in.CommissionBP, PaymentMethod: in.PaymentMethod, DeferralDays: in.DeferralDays,
			CreditLimitKopecks: in.CreditLimitKopecks}); err != nil {
			return err
		}
		return s.auditTx(c, q, "partner.update", "partner", id(pid), before, in)
	})
	if isUniqueViolation(err, "partners_inn_key") {
		s.answerINNTaken(c)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	p, err := s.findPartner(c, pid)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
