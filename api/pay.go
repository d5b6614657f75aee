package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// PaymentOutcomeFunc tells the sale's workflow how a payment attempt ended (the workflow's owner
// connects it to a signal). It runs before the outcome is committed: when it fails nothing is
// recorded and the payer or Stripe tries again, so every recorded outcome reaches the workflow
// at least once — the workflow must ignore an attempt it has already heard of.
type PaymentOutcomeFunc func(ctx context.Context, paymentID uuid.UUID, outcome payments.Outcome) error

// payHandlers serve the customer's payment page and the acquirer's webhooks.
type payHandlers struct {
	*Server
	sandbox   *payments.Sandbox
	onOutcome PaymentOutcomeFunc
	now       func() time.Time
}

// mountPayments adds the payment page (GET and POST /pay/{token}, public: the token is the
// capability) and the Stripe webhook (POST /api/v1/webhooks/stripe, authenticated by its
// signature). onOutcome is told of every recorded attempt outcome.
func (s *Server) mountPayments(r *gin.Engine, v1 *gin.RouterGroup, onOutcome PaymentOutcomeFunc) {
	if onOutcome == nil {
		s.log.Warn("payment outcomes are not connected to the sale workflows; payments are recorded only")
		onOutcome = func(context.Context, uuid.UUID, payments.Outcome) error { return nil }
	}
	h := &payHandlers{Server: s, sandbox: payments.NewSandbox(s.pool), onOutcome: onOutcome, now: time.Now}
	r.GET("/pay/:token", h.showPaymentPage)
	r.POST("/pay/:token", h.payByCard)
	v1.POST("/webhooks/stripe", h.stripeWebhook)
}

// payMessages are the texts of the payment page and of the payment endpoints' errors, Russian
// first.
var payMessages = map[string][2]string{
	"title":            {"Оплата гарантии", "Warranty payment"},
	"contract":         {"Договор", "Contract"},
	"contract_pending": {"номер будет присвоен", "number pending"},
	"amount":           {"К оплате", "Amount due"},
	"card_number":      {"Номер карты", "Card number"},
	"pay":              {"Оплатить", "Pay"},
	"secure_note":      {"Тестовый платёжный шлюз: используйте тестовые карты.", "Test payment gateway: use test cards."},
	"succeeded":        {"Оплата прошла успешно. Спасибо! Договор вступит в силу в течение нескольких минут.", "Payment successful. Thank you! The contract takes effect within a few minutes."},
	"paid":             {"Этот договор уже оплачен. Спасибо!", "This contract is already paid. Thank you!"},
	"declined":         {"Банк отклонил платёж.", "The bank declined the payment."},
	"retry_later":      {"Мы повторим попытку и пришлём письмо со ссылкой, когда оплату можно будет повторить.", "We will try again and e-mail you a link when the payment can be retried."},
	"next_retry":       {"Следующая попытка оплаты: %s.", "Next payment attempt: %s."},
	"preparing":        {"Платёж готовится. Обновите страницу через минуту.", "The payment is being prepared. Please reload the page in a minute."},
	"closed":           {"Платёж отменён. Обратитесь к продавцу.", "The payment was cancelled. Please contact the seller."},
	"elsewhere":        {"Этот платёж принимается через платёжный шлюз банка, а не на этой странице.", "This payment is collected by the bank's payment gateway, not on this page."},
	"card_malformed":   {"Введите номер карты: от 12 до 19 цифр, можно с пробелами", "Enter the card number: 12 to 19 digits, spaces allowed"},
	"not_found":        {"Ссылка на оплату не найдена или устарела.", "The payment link was not found or has expired."},
	"already_paid":     {"Этот платёж уже оплачен", "This payment is already paid"},
	"no_open_attempt":  {"Сейчас оплатить нельзя: попытка оплаты уже использована или платёж отменён", "The payment cannot be made now: the attempt was already used or the payment was cancelled"},
	"unavailable":      {"Сервис оплаты временно недоступен. Попробуйте ещё раз через минуту", "The payment service is temporarily unavailable. Please try again in a minute"},
	"internal":         {"Внутренняя ошибка сервера. Мы уже разбираемся", "Internal server error. We are looking into it"},

	"invalid_signature":       {"Подпись события неверна или устарела", "The event signature is invalid or stale"},
	"malformed_event":         {"Событие не удалось разобрать", "The event could not be parsed"},
	"unknown_payment_intent":  {"Платёж с таким PaymentIntent неизвестен", "No payment has this PaymentIntent"},
	"webhooks_not_configured": {"Приём событий Stripe не настроен", "Stripe webhooks are not configured"},
}

// declineMessages explain the decline codes a payer can do something about.
var declineMessages = map[string][2]string{
	"card_declined":      {"Банк отклонил платёж по карте.", "The card was declined by the bank."},
	"insufficient_funds": {"Недостаточно средств на карте.", "The card has insufficient funds."},
	"incorrect_number":   {"Неверный номер карты.", "The card number is incorrect."},
	"expired_card":       {"Срок действия карты истёк.", "The card has expired."},
}

func payText(lang, code string) string { return pick(payMessages, code, lang) }

// failPay answers a payment endpoint's error in the API's error shape.
func failPay(c *gin.Context, status int, code string) {
	c.AbortWithStatusJSON(status, gin.H{"error": Problem{Code: code, Message: payText(lang(c), code)}})
}

// payResult is the JSON answer to a payment: succeeded (200) or declined (402).
type payResult struct {
	Status      string `json:"status"`
	DeclineCode string `json:"decline_code"`
	Message     string `json:"message"`
}

// showPaymentPage renders the payment page of a token.
func (h *payHandlers) showPaymentPage(c *gin.Context) {
	p, err := payments.NewStore(h.pool).PaymentByToken(c.Request.Context(), c.Param("token"))
	if errors.Is(err, payments.ErrPaymentNotFound) {
		h.renderPage(c, http.StatusNotFound, payPage{Notice: payText(lang(c), "not_found"), Tone: "error"})
		return
	}
	if err != nil {
		h.log.ErrorContext(c.Request.Context(), "payment page", "err", err)
		h.renderPage(c, http.StatusInternalServerError, payPage{Notice: payText(lang(c), "internal"), Tone: "error"})
		return
	}
	h.renderPage(c, http.StatusOK, h.pageOf(c, p, nil))
}

// payByCard charges the token's open attempt with the card number from a form or JSON body,
// then tells the workflow; a JSON request gets JSON, a form gets the page again.
func (h *payHandlers) payByCard(c *gin.Context) {
	wantsJSON := c.ContentType() == "application/json"
	var card string
	if wantsJSON {
		var body struct {
			CardNumber string `json:"card_number"`
		}
		if !decodeJSON(c, &body) {
			return
		}
		card = body.CardNumber
	} else {
		card = c.PostForm("card_number")
	}
	token := c.Param("token")
	o, err := h.sandbox.ChargeAndNotify(c.Request.Context(), token, card, h.notify)
	if err != nil {
		h.answerChargeError(c, wantsJSON, token, err)
		return
	}
	status := http.StatusOK
	if !o.Succeeded() {
		status = http.StatusPaymentRequired
	}
	if wantsJSON {
		c.JSON(status, payResult{Status: string(o.Result), DeclineCode: o.DeclineCode, Message: outcomeMessage(lang(c), o)})
		return
	}
	p, err := payments.NewStore(h.pool).PaymentByToken(c.Request.Context(), token)
	if err != nil {
		h.log.ErrorContext(c.Request.Context(), "payment page after charge", "err", err)
		h.renderPage(c, status, payPage{Notice: outcomeMessage(lang(c), o), Tone: toneOf(o)})
		return
	}
	h.renderPage(c, status, h.pageOf(c, p, &o))
}

// errNotify marks a failure to tell the workflow: nothing was recorded and the payer may retry.
type errNotify struct{ err error }

func (e errNotify) Error() string { return "tell the sale workflow: " + e.err.Error() }
func (e errNotify) Unwrap() error { return e.err }

func (h *payHandlers) notify(ctx context.Context, o payments.Outcome) error {
	if err := h.onOutcome(ctx, o.PaymentID, o); err != nil {
		return errNotify{err}
	}
	return nil
}

func (h *payHandlers) answerChargeError(c *gin.Context, wantsJSON bool, token string, err error) {
	var status int
	var code string
	switch {
	case errors.Is(err, payments.ErrMalformedCard):
		if wantsJSON {
			failFields(c, map[string]string{"card_number": payText(lang(c), "card_malformed")})
			return
		}
		status, code = http.StatusUnprocessableEntity, "card_malformed"
	case errors.Is(err, payments.ErrPaymentNotFound):
		status, code = http.StatusNotFound, "not_found"
	case errors.Is(err, payments.ErrAlreadyPaid):
		status, code = http.StatusConflict, "already_paid"
	case errors.Is(err, payments.ErrNoOpenAttempt):
		status, code = http.StatusConflict, "no_open_attempt"
	case errors.As(err, new(errNotify)):
		h.log.ErrorContext(c.Request.Context(), "payment outcome not delivered; nothing recorded", "err", err)
		status, code = http.StatusServiceUnavailable, "unavailable"
	default:
		h.log.ErrorContext(c.Request.Context(), "charge", "err", err, "request_id", c.GetString(ctxRequestID))
		status, code = http.StatusInternalServerError, "internal"
	}
	if wantsJSON {
		failPay(c, status, code)
		return
	}
	page := payPage{Notice: payText(lang(c), code), Tone: "error"}
	if p, err := payments.NewStore(h.pool).PaymentByToken(c.Request.Context(), token); err == nil {
		page = h.pageOf(c, p, nil)
		page.Notice, page.Tone = payText(lang(c), code), "error"
		page.Form = page.Form && code == "card_malformed"
	}
	h.renderPage(c, status, page)
}

// outcomeMessage explains an outcome to the payer.
func outcomeMessage(lang string, o payments.Outcome) string {
	if o.Succeeded() {
		return payText(lang, "succeeded")
	}
	reason := payText(lang, "declined")
	if _, known := declineMessages[o.DeclineCode]; known {
		reason = pick(declineMessages, o.DeclineCode, lang)
	}
	return reason + " " + payText(lang, "retry_later")
}

func toneOf(o payments.Outcome) string {
	if o.Succeeded() {
		return "success"
	}
	return "error"
}

// payPage is what the page template shows.
type payPage struct {
	Contract string
	Amount   string
	// Notice is the page's message; Tone colours it: success, error or info.
	Notice, Tone string
	// Form shows the card form: an attempt is open.
	Form bool
	// Card is what the payer typed, kept when the number was malformed.
	Card string
}

// pageOf describes the payment's state for the page; a fresh outcome, if any, is its notice.
func (h *payHandlers) pageOf(c *gin.Context, p payments.Payment, fresh *payments.Outcome) payPage {
	l := lang(c)
	page := payPage{Contract: p.ContractNumber, Amount: formatAmount(p.Amount, l), Tone: "info"}
	last, hasAttempt := p.LatestAttempt()
	switch {
	case p.Status == payments.StatusSucceeded:
		page.Notice, page.Tone = payText(l, "paid"), "success"
	case p.Status == payments.StatusVoided || p.Status == payments.StatusRefunded:
		page.Notice = payText(l, "closed")
	case p.Provider != "" && p.Provider != h.sandbox.Name():
		page.Notice = payText(l, "elsewhere")
	case !hasAttempt:
		page.Notice = payText(l, "preparing")
	case last.Result == payments.ResultPending:
		page.Form = true
	case last.Result == payments.ResultDeclined:
		page.Notice, page.Tone = outcomeMessage(l, payments.Outcome{Result: last.Result, DeclineCode: last.DeclineCode}), "error"
		if p.NextRetryAt != nil {
			page.Notice += " " + strings.Replace(payText(l, "next_retry"), "%s",
				p.NextRetryAt.In(h.cfg.CompanyTZ).Format("02.01.2006 15:04 MST"), 1)
		}
	default:
		page.Notice = payText(l, "closed")
	}
	if fresh != nil {
		page.Notice, page.Tone = outcomeMessage(l, *fresh), toneOf(*fresh)
	}
	if c.Request.Method == http.MethodPost && page.Form {
		page.Card = c.PostForm("card_number")
	}
	return page
}

// formatAmount writes roubles as the payer reads them: "12 345,67 ₽" in Russian,
// "RUB 12,345.67" in English.
func formatAmount(k warranty.Kopecks, lang string) string {
	if lang != "en" {
		return warranty.FormatRUB(k)
	}
	sign := ""
	if k < 0 {
		sign, k = "-", -k
	}
	digits := strconv.FormatInt(int64(k)/100, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + "RUB " + b.String() + "." + strconv.FormatInt(int64(k)%100+100, 10)[1:]
}

// payPageCSS is inlined so the page loads nothing from anywhere; the CSP admits exactly it.
const payPageCSS = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f5f8;color:#1c2430}
main{max-width:440px;margin:6vh auto;padding:32px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 20px}dl{margin:0 0 24px}dt{color:#5b6675;font-size:14px}dd{margin:0 0 12px;font-size:18px}
.amount{font-size:28px;font-weight:600}label{display:block;font-size:14px;color:#5b6675;margin-bottom:6px}
input{box-sizing:border-box;width:100%;padding:12px;font-size:18px;letter-spacing:1px;border:1px solid #c5ccd6;border-radius:8px}
button{margin-top:16px;width:100%;padding:14px;font-size:17px;font-weight:600;color:#fff;background:#1f6feb;border:0;border-radius:8px;cursor:pointer}
.notice{padding:12px 16px;border-radius:8px;margin-bottom:20px}.success{background:#e6f6ea;color:#145a2a}
.error{background:#fdecec;color:#8a1c1c}.info{background:#eef3fb;color:#1d3f73}small{display:block;margin-top:16px;color:#7a8594}`

var (
	payPageCSSHash = func() string {
		sum := sha256.Sum256([]byte(payPageCSS))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}()
	payPageCSP = "default-src 'none'; style-src " + payPageCSSHash +
		"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

var payPageTemplate = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{call .T "title"}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<main>
<h1>{{call .T "title"}}</h1>
{{with .Page}}
{{if .Notice}}<p class="notice {{.Tone}}" role="status">{{.Notice}}</p>{{end}}
{{if .Amount}}<dl>
<dt>{{call $.T "contract"}}</dt><dd>{{if .Contract}}№ {{.Contract}}{{else}}{{call $.T "contract_pending"}}{{end}}</dd>
<dt>{{call $.T "amount"}}</dt><dd class="amount">{{.Amount}}</dd>
</dl>{{end}}
{{if .Form}}<form method="post" autocomplete="off">
<label for="card_number">{{call $.T "card_number"}}</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" maxlength="23" required value="{{.Card}}">
<button type="submit">{{call $.T "pay"}} {{.Amount}}</button>
</form>
<small>{{call $.T "secure_note"}}</small>{{end}}
{{end}}
</main>
</body>
</html>
`))

// renderPage writes the page with headers that keep the token private: not cached, not sent
// as a referrer, not framed.
func (h *payHandlers) renderPage(c *gin.Context, status int, page payPage) {
	l := lang(c)
	var buf bytes.Buffer
	err := payPageTemplate.Execute(&buf, struct {
		Page payPage
		T    func(string) string
		Lang string
		CSS  template.CSS
	}{page, func(code string) string { return payText(l, code) }, l, template.CSS(payPageCSS)})
	if err != nil {
		h.log.ErrorContext(c.Request.Context(), "render payment page", "err", err)
		c.String(http.StatusInternalServerError, payText(l, "internal"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("X-Frame-Options", "DENY")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", payPageCSP)
	c.Header("Content-Language", l)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
