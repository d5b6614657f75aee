package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

func init() {
	for code, text := range map[string][2]string{
		"consent_required":         {"Нужно отдельное согласие клиента на обработку персональных данных", "The customer's separate consent to personal-data processing is required"},
		"email_required_online":    {"Укажите e-mail: на него придут договор и чек", "An e-mail is required: the contract and receipt are sent to it"},
		"direct_channel_missing":   {"Канал продаж с сайта не настроен (нет партнёра Karso online)", "The website channel is not set up (no Karso online partner)"},
		"ip_invalid":               {"Ожидается IP-адрес клиента", "Expected the customer's IP address"},
		"consent_time_in_future":   {"Время согласия не может быть в будущем", "The consent time cannot be in the future"},
		"idempotency_key_required": {"Нужен заголовок Idempotency-Key", "The Idempotency-Key header is required"},
		"idempotency_key_reused":   {"Этот Idempotency-Key уже использован с другим запросом", "This Idempotency-Key was already used with another request"},
		"public_body_too_large":    {"Тело запроса больше 64 КиБ", "The request body is larger than 64 KiB"},
		"idempotency_in_progress":  {"Запрос с этим Idempotency-Key ещё выполняется", "A request with this Idempotency-Key is still being answered"},
	} {
		messages[code] = text
	}
}

// paymentLinkWait is how long creating a direct sale waits for its payment page; a sale still
// getting its contract answers without the link, and the website reads it later.
const paymentLinkWait = 10 * time.Second

type consentInput struct {
	// Accepted must be true: the customer ticked the separate consent box.
	Accepted bool `json:"accepted"`
	// TextVersion names the consent text the customer saw (the website's version label).
	TextVersion string `json:"text_version" validate:"required,max=100"`
	// AcceptedAt is when the customer consented; now when left out.
	AcceptedAt *time.Time `json:"accepted_at"`
	// IP is the customer's address as the website saw it.
	IP string `json:"ip" validate:"required,max=64"`
}

type publicSaleRequest struct {
	Vehicle    warranty.Vehicle  `json:"vehicle"`
	Customer   warranty.Customer `json:"customer"`
	TariffCode string            `json:"tariff_code" validate:"required,max=32"`
	TermMonths int               `json:"term_months" validate:"required,gte=1,lte=120"`
	Options    []string          `json:"options" validate:"max=20,dive,max=32"`
	Consent    consentInput      `json:"consent"`
}

// PublicSale is a direct sale as the website sees it.
type PublicSale struct {
	ID             string              `json:"id"`
	Status         warranty.SaleStatus `json:"status"`
	ContractNumber *string             `json:"contract_number"`
	PriceKopecks   warranty.Kopecks    `json:"price_kopecks"`
	// Flagged: the sale waits for a manager before its contract and payment.
	Flagged bool `json:"flagged"`
	// PaymentURL is the customer's payment page; null while the contract is being made or
	// the sale waits for a manager.
	PaymentURL  *string    `json:"payment_url"`
	ActivatedAt *time.Time `json:"activated_at"`
	CancelledAt *time.Time `json:"cancelled_at"`
}

func publicSale(st workflows.SaleState) PublicSale {
	out := PublicSale{ID: st.ID, Status: st.Status, Flagged: len(st.Flags) > 0,
		ActivatedAt: st.ActivatedAt, CancelledAt: st.CancelledAt}
	if st.ContractNumber != "" {
		out.ContractNumber = &st.ContractNumber
	}
	if st.Quote != nil {
		out.PriceKopecks = st.Quote.PriceKopecks
	}
	if st.Payment != nil && st.Payment.URL != "" {
		out.PaymentURL = &st.Payment.URL
	}
	return out
}

// directSeller is the system seller the website's sales are recorded under; the key's prefix
// in its name says which integration sold.
func directSeller(ch store.GetDirectChannelRow, key store.ApiKey) workflows.Actor {
	return workflows.Actor{ID: ch.SellerID, Name: ch.SellerName + " (" + key.Prefix + ")", Role: workflows.RoleDealer, Lang: "ru"}
}

// createPublicSale sells a warranty without a dealer: the same Sale workflow and the same
// wizard steps as a dealer's sale, in the direct channel's salon, with no commission. Every
// rule the wizard's validators apply is checked first, so bad input answers 422 and leaves
// no draft behind; the customer's consent is recorded with the sale.
func (s *Server) createPublicSale(c *gin.Context) {
	var req publicSaleRequest
	if !bindJSON(c, &req) {
		return
	}
	// the make and model are named as the catalogue names them, as in the dealer's wizard
	var resolved bool
	if req.Vehicle, resolved = s.resolveVehicle(c, req.Vehicle); !resolved {
		return
	}
	l := lang(c)
	today := time.Now().In(s.cfg.CompanyTZ)
	consentAt, ok := checkConsent(c, req.Consent)
	if !ok {
		return
	}
	ch, err := s.q.GetDirectChannel(c.Request.Context())
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !ch.SalonActive {
		fail(c, http.StatusServiceUnavailable, "direct_channel_missing")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	tariff, ok := s.currentTariff(c, req.TariffCode)
	if !ok {
		return
	}
	tariff.CommissionBP = 0 // the company's own channel pays no commission
	choice := workflows.TariffChoice{TariffCode: req.TariffCode, TermMonths: req.TermMonths, Options: req.Options}
	if fields := wizardMistakes(req, tariff, today, l); len(fields) > 0 {
		failFields(c, fields)
		return
	}

	key := callerKey(c)
	seller := directSeller(ch, key)
	saleID := uuid.Must(uuid.NewV7())
	err = s.q.RecordConsent(c.Request.Context(), store.RecordConsentParams{SaleID: saleID, ApiKeyID: key.ID,
		TextVersion: strings.TrimSpace(req.Consent.TextVersion), ConsentedAt: consentAt,
		CustomerIp: strings.TrimSpace(req.Consent.IP), CallerIp: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 300)})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.Set(ctxKeyCallEntity, gin.H{"sale_id": saleID.String()})
	st, err := s.runDirectWizard(c.Request.Context(), saleID.String(), ch, seller, req, tariff, choice)
	if err != nil {
		s.undoDirectSale(c, saleID, seller, err)
		return
	}
	st = s.awaitPaymentLink(c.Request.Context(), saleID, st)
	c.Header("Location", "/api/v1/public/sales/"+saleID.String())
	c.JSON(http.StatusCreated, publicSale(st))
}

// checkConsent insists on the separate consent (152-ФЗ) and answers its time.
func checkConsent(c *gin.Context, in consentInput) (time.Time, bool) {
	l := lang(c)
	fields := map[string]string{}
	if !in.Accepted {
		fields["consent.accepted"] = message(l, "consent_required")
	}
	if net.ParseIP(strings.TrimSpace(in.IP)) == nil {
		fields["consent.ip"] = message(l, "ip_invalid")
	}
	at := time.Now()
	if in.AcceptedAt != nil {
		if in.AcceptedAt.After(at.Add(5 * time.Minute)) {
			fields["consent.accepted_at"] = message(l, "consent_time_in_future")
		}
		at = *in.AcceptedAt
	}
	if len(fields) > 0 {
		failFields(c, fields)
		return time.Time{}, false
	}
	return at, true
}

// wizardMistakes applies the rules the wizard's update validators apply (vehicle, customer,
// tariff rating), so a sale is started only when every step will be accepted. Online, the
// e-mail is required: the contract and receipt are mailed to it.
func wizardMistakes(req publicSaleRequest, tariff workflows.TariffSnapshot, today time.Time, l string) map[string]string {
	fields := map[string]string{}
	vehicle, vs := req.Vehicle.Normalize(today)
	for f, m := range vs.Fields(l) {
		fields["vehicle."+f] = m
	}
	_, cs := req.Customer.Normalize(today)
	for f, m := range cs.Fields(l) {
		fields["customer."+f] = m
	}
	if strings.TrimSpace(req.Customer.Email) == "" {
		fields["customer.email"] = message(l, "email_required_online")
	}
	if len(vs) > 0 {
		return fields
	}
	_, rs := warranty.Rate(warranty.RateInput{Tariff: tariff.Tariff, Vehicle: vehicle, TermMonths: req.TermMonths,
		OptionCodes: req.Options, Today: today, Lang: l})
	for f, m := range nestVehicleFields(rs).Fields(l) {
		fields[f] = m
	}
	return fields
}

// runDirectWizard walks the sale through the dealer's wizard as the system seller: open,
// vehicle, customer, tariff, submit — the same updates and validators.
func (s *Server) runDirectWizard(ctx context.Context, saleID string, ch store.GetDirectChannelRow, seller workflows.Actor,
	req publicSaleRequest, tariff workflows.TariffSnapshot, choice workflows.TariffChoice) (workflows.SaleState, error) {
	st, err := s.startSale(ctx, saleID, saleStart{SalonID: ch.SalonID, PartnerID: ch.PartnerID, City: ch.City}, seller)
	if err != nil {
		return st, err
	}
	steps := []struct {
		update string
		arg    any
	}{
		{workflows.UpdateVehicle, workflows.VehicleStep{Vehicle: req.Vehicle, Actor: seller}},
		{workflows.UpdateCustomer, workflows.CustomerStep{Customer: req.Customer, Actor: seller}},
		{workflows.UpdateTariff, workflows.TariffStep{Actor: seller, Snapshot: tariff, Choice: choice}},
		{workflows.UpdateSubmit, seller},
	}
	for _, step := range steps {
		if st, err = s.updateSale(ctx, saleID, step.update, step.arg); err != nil {
			return st, err
		}
	}
	return st, nil
}

// undoDirectSale answers a wizard that failed half-way and cancels the draft it left, so no
// half-made sale stays in the lists; a sale that never started also forgets its consent.
func (s *Server) undoDirectSale(c *gin.Context, saleID uuid.UUID, seller workflows.Actor, cause error) {
	ctx := context.WithoutCancel(c.Request.Context())
	if _, err := s.updateSale(ctx, saleID.String(), workflows.UpdateCancel,
		workflows.CancelRequest{Reason: "website sale not completed", Actor: seller}); err != nil {
		s.log.WarnContext(ctx, "cancel a half-made direct sale", "sale_id", saleID, "err", err)
		if err := s.q.ForgetConsent(ctx, saleID); err != nil {
			s.log.WarnContext(ctx, "forget consent", "sale_id", saleID, "err", err)
		}
	}
	s.answerUpdateError(c, saleRef{ID: saleID, Status: string(warranty.StatusDraft)}, cause)
}

// awaitPaymentLink reads the sale until its payment page is open or it waits for a manager,
// at most paymentLinkWait; the state so far otherwise.
func (s *Server) awaitPaymentLink(ctx context.Context, saleID uuid.UUID, st workflows.SaleState) workflows.SaleState {
	deadline := time.Now().Add(paymentLinkWait)
	for {
		if st.Status != warranty.StatusAwaitingPayment && st.Status != warranty.StatusDraft || st.Payment != nil && st.Payment.URL != "" {
			return st
		}
		if time.Now().After(deadline) {
			return st
		}
		select {
		case <-ctx.Done():
			return st
		case <-time.After(100 * time.Millisecond):
		}
		v, err := s.currentState(ctx, saleID)
		if err != nil {
			return st
		}
		st = v.SaleState
	}
}

// getPublicSale answers a sale made with the same key; another key's sale, or any other
// sale, is 404.
func (s *Server) getPublicSale(c *gin.Context) {
	saleID, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	own, err := s.q.KeySaleExists(c.Request.Context(), store.KeySaleExistsParams{SaleID: saleID, ApiKeyID: callerKey(c).ID})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if !own {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	c.Set(ctxKeyCallEntity, gin.H{"sale_id": saleID.String()})
	v, err := s.currentState(c.Request.Context(), saleID)
	if err != nil {
		s.failTemporal(c, err)
		return
	}
	c.JSON(http.StatusOK, publicSale(v.SaleState))
}
