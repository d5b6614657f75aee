package reports

import (
	"fmt"
	"time"

	"karso.ru/prm/warranty"
)

// tr picks the Russian (default) or English text.
func tr(lang string, ru, en string) string {
	if lang == "en" {
		return en
	}
	return ru
}

var monthNames = [12][2]string{
	{"Январь", "January"}, {"Февраль", "February"}, {"Март", "March"}, {"Апрель", "April"},
	{"Май", "May"}, {"Июнь", "June"}, {"Июль", "July"}, {"Август", "August"},
	{"Сентябрь", "September"}, {"Октябрь", "October"}, {"Ноябрь", "November"}, {"Декабрь", "December"},
}

// MonthLabel is "Ноябрь 2026".
func MonthLabel(t time.Time, lang string) string {
	n := monthNames[t.Month()-1]
	return fmt.Sprintf("%s %d", tr(lang, n[0], n[1]), t.Year())
}

// bucketLabel names a time bucket [start, end): "03.11.2026", "03.11–09.11.2026", "Ноябрь 2026".
func bucketLabel(start, end time.Time, g Grouping, lang string) string {
	last := end.AddDate(0, 0, -1)
	switch g {
	case ByWeek:
		return start.Format("02.01") + "–" + last.Format("02.01.2006")
	case ByMonth:
		if start.Day() == 1 && end.Day() == 1 {
			return MonthLabel(start, lang)
		}
		return start.Format("02.01") + "–" + last.Format("02.01.2006")
	default:
		return start.Format("02.01.2006")
	}
}

// dimensionLabel names a group for people: the partner's, salon's or manager's name the query
// joined, a category's or status's word, and a word for the sales without a key.
func dimensionLabel(g Grouping, key, label, lang string) string {
	if key == "" {
		switch g {
		case ByManager:
			return tr(lang, "Без менеджера", "No manager")
		case ByRegion:
			return tr(lang, "Регион не указан", "No region")
		case ByCity:
			return tr(lang, "Город не указан", "No city")
		case ByTariff:
			return tr(lang, "Тариф не выбран", "No tariff")
		default:
			return tr(lang, "Не указано", "Not set")
		}
	}
	switch g {
	case ByCategory:
		if c := warranty.VehicleCategory(key); c.Valid() {
			return c.Label(lang)
		}
	case ByTariff:
		return tariffLabel(key, lang)
	}
	if label == "" {
		return key
	}
	return label
}

// tariffLabel names a tariff code by the standard plan's name, or shows the code of a plan
// the catalogue added later.
func tariffLabel(code, lang string) string {
	for _, t := range warranty.StandardTariffs() {
		if t.Code == code {
			return tr(lang, t.Name, t.NameEN)
		}
	}
	return code
}

var saleStatusLabels = map[string][2]string{
	"draft": {"Черновик", "Draft"}, "pending_approval": {"На согласовании", "Pending approval"},
	"rejected": {"Отклонена", "Rejected"}, "expired": {"Просрочена", "Expired"},
	"awaiting_payment": {"Ожидает оплаты", "Awaiting payment"}, "active": {"Действует", "Active"},
	"closed": {"Закрыта", "Closed"}, "cancelled": {"Расторгнута", "Cancelled"},
}

var paymentWords = map[string][2]string{
	// statuses
	"pending": {"Ожидает", "Pending"}, "retrying": {"Повтор", "Retrying"}, "succeeded": {"Проведён", "Succeeded"},
	"failed": {"Отклонён", "Failed"}, "refunded": {"Возвращён", "Refunded"}, "voided": {"Аннулирован", "Voided"},
	// purposes
	"sale": {"Продажа", "Sale"}, "upsell": {"Допродажа", "Upsell"}, "refund": {"Возврат", "Refund"},
	// methods
	"card": {"Карта", "Card"}, "invoice": {"Счёт", "Invoice"},
}

// word translates a stored code (a status, a method…) for a document; an unknown code shows
// as it is.
func word(words map[string][2]string, code, lang string) string {
	if w, ok := words[code]; ok {
		return tr(lang, w[0], w[1])
	}
	return code
}
