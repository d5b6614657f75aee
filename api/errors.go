package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Problem is the one error shape every endpoint answers with:
// {"error": {"code": "...", "message": "...", "fields": {"vin": "..."}}}.
type Problem struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// messages holds the texts of the API's own error codes, Russian first. Business-rule
// messages (VIN, INN, tariff eligibility) live with their rules in package warranty.
var messages = map[string][2]string{
	"malformed_json":       {"Тело запроса — не корректный JSON", "The request body is not valid JSON"},
	"empty_body":           {"Тело запроса пустое", "The request body is empty"},
	"body_too_large":       {"Тело запроса больше 1 МиБ", "The request body is larger than 1 MiB"},
	"unsupported_media":    {"Ожидается Content-Type: application/json", "Expected Content-Type: application/json"},
	"validation_failed":    {"Проверьте заполнение полей", "Some fields are not filled in correctly"},
	"not_found":            {"Не найдено", "Not found"},
	"route_not_found":      {"Такого адреса API нет", "There is no such API route"},
	"method_not_allowed":   {"Этот метод не поддерживается для адреса", "This method is not allowed for the route"},
	"unauthenticated":      {"Войдите в систему", "Please sign in"},
	"forbidden":            {"Недостаточно прав для этого действия", "You are not allowed to do this"},
	"invalid_credentials":  {"Неверный e-mail или пароль", "Wrong e-mail or password"},
	"account_locked":       {"Слишком много неудачных попыток входа. Учётная запись заблокирована до %s", "Too many failed sign-in attempts. The account is locked until %s"},
	"account_disabled":     {"Учётная запись отключена. Обратитесь к администратору", "The account is deactivated. Please contact the administrator"},
	"too_many_requests":    {"Слишком много попыток. Повторите через минуту", "Too many attempts. Try again in a minute"},
	"wrong_password":       {"Текущий пароль указан неверно", "The current password is wrong"},
	"conflict":             {"Запись изменилась или уже существует", "The record changed or already exists"},
	"email_taken":          {"Пользователь с таким e-mail уже есть", "A user with this e-mail already exists"},
	"inn_taken":            {"Партнёр с таким ИНН уже зарегистрирован", "A partner with this INN is already registered"},
	"internal":             {"Внутренняя ошибка сервера. Мы уже разбираемся", "Internal server error. We are looking into it"},
	"unavailable":          {"Сервис временно недоступен", "The service is temporarily unavailable"},
	"temporal_unavailable": {"Обработка продаж сейчас не отвечает. Повторите действие через несколько минут: страница продажи покажет, выполнено ли оно", "Sale processing is not answering. Try the action again in a few minutes: the sale's page shows whether it took effect"},
	"invalid_query":        {"Неверные параметры запроса", "Invalid query parameters"},
	"cannot_deactivate_me": {"Нельзя отключить собственную учётную запись", "You cannot deactivate your own account"},
	"origin_not_allowed":   {"Этому адресу (Origin) запрещено обращаться к кодеку Temporal", "This origin may not call the Temporal codec"},
	"payload_codec_failed": {"Не удалось обработать данные Temporal: %s", "The Temporal payloads could not be processed: %s"},
	"too_many_reset_requests": {"Слишком много запросов на восстановление пароля. Повторите позже",
		"Too many password reset requests. Please try again later"},
	"reset_link_sent": {"Если этот адрес зарегистрирован, мы отправили на него ссылку для смены пароля. Она действует 1 час",
		"If this address is registered, we have sent it a link to set a new password. The link works for 1 hour"},
	"reset_link_invalid": {"Ссылка для смены пароля недействительна: она уже использована или устарела. Запросите новую",
		"The password reset link is not valid: it was used already or has expired. Please ask for a new one"},
}

// field-level texts used by request validation
var fieldMessages = map[string][2]string{
	"required":       {"Обязательное поле", "This field is required"},
	"email":          {"Неверный формат e-mail", "Not a valid e-mail address"},
	"min":            {"Слишком короткое значение (минимум %s)", "Too short (at least %s)"},
	"max":            {"Слишком длинное значение (максимум %s)", "Too long (at most %s)"},
	"gte":            {"Значение должно быть не меньше %s", "Must be at least %s"},
	"lte":            {"Значение должно быть не больше %s", "Must be at most %s"},
	"oneof":          {"Допустимые значения: %s", "Allowed values: %s"},
	"len":            {"Должно быть ровно %s символов", "Must be exactly %s characters"},
	"numeric":        {"Только цифры", "Digits only"},
	"unknown_field":  {"Неизвестное поле", "Unknown field"},
	"wrong_type":     {"Неверный тип значения: ожидается %s", "Wrong type: expected %s"},
	"not_found":      {"Не найдено", "Not found"},
	"invalid":        {"Неверное значение", "Invalid value"},
	"dealer_partner": {"Для дилера укажите партнёра; для других ролей партнёр не указывается", "A dealer needs a partner; other roles have none"},
	"parent_cycle":   {"Партнёр не может входить в собственную сеть", "A partner cannot be placed under its own network"},
	"date":           {"Ожидается дата в формате ГГГГ-ММ-ДД или RFC 3339", "Expected a date as YYYY-MM-DD or RFC 3339"},
	"integer":        {"Ожидается целое число", "Expected a whole number"},
	"notice_kind":    {"Такого вида уведомлений для вашей роли нет", "Your role has no notices of this kind"},
	"bad_text":       {"Недопустимые символы: уберите управляющие символы (например, нулевой байт)", "Characters not allowed: remove control characters (such as a NUL byte)"},
	"text_too_long":  {"Слишком длинный текст (не больше %d символов)", "Text too long (at most %d characters)"},
}

func pick(m map[string][2]string, code, lang string) string {
	t, ok := m[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}

// message renders an API error code in the caller's language.
func message(lang, code string, args ...any) string {
	s := pick(messages, code, lang)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// fieldMessage renders a field-level validation code in the caller's language.
func fieldMessage(lang, code string, args ...any) string {
	s := pick(fieldMessages, code, lang)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// fail answers an error in the caller's language and stops the handler chain.
func fail(c *gin.Context, status int, code string, args ...any) {
	c.AbortWithStatusJSON(status, gin.H{"error": Problem{Code: code, Message: message(lang(c), code, args...)}})
}

// failFields answers 422 naming every field that is wrong.
func failFields(c *gin.Context, fields map[string]string) {
	c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": Problem{
		Code: "validation_failed", Message: message(lang(c), "validation_failed"), Fields: fields,
	}})
}

// failInternal logs the cause and answers 500 without leaking it.
func (s *Server) failInternal(c *gin.Context, err error) {
	s.log.ErrorContext(c.Request.Context(), "request failed", "err", err, "path", c.FullPath(),
		"request_id", c.GetString(ctxRequestID))
	fail(c, http.StatusInternalServerError, "internal")
}
