package warranty

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Codes of field violations. They are part of the API: programs may branch on them,
// and every one has a Russian and an English message in the catalog below.
const (
	// CodeRequired: the field is empty.
	CodeRequired = "required"
	// CodeTooLong: the text is longer than the limit in Args[0] characters.
	CodeTooLong = "too_long"

	// CodeVINLength: the VIN is not 17 characters long (Args[0]: the length given).
	CodeVINLength = "vin_length"
	// CodeVINChar: the VIN holds a character outside A-H J-N P R-Z 0-9 (Args[0]).
	CodeVINChar = "vin_char"
	// CodeYearRange: the model year is outside Args[0]..Args[1].
	CodeYearRange = "year_range"
	// CodeMileageRange: the mileage is outside Args[0]..Args[1] km.
	CodeMileageRange = "mileage_range"
	// CodePowerRange: the engine power is outside Args[0]..Args[1] hp.
	CodePowerRange = "power_range"
	// CodeVolumeRange: the engine volume is outside Args[0]..Args[1] cc.
	CodeVolumeRange = "volume_range"
	// CodeCategoryInvalid: the vehicle category is not new, used or parallel_import.
	CodeCategoryInvalid = "category_invalid"
	// CodeDateFormat: the date is not a real calendar date written YYYY-MM-DD.
	CodeDateFormat = "date_format"
	// CodeDateInFuture: the date is after today.
	CodeDateInFuture = "date_in_future"
	// CodeSoldBeforeModelYear: the vehicle was sold before Args[0], the model year minus one.
	CodeSoldBeforeModelYear = "sold_on_before_model_year"

	// CodeFullNameWords: the full name has fewer than two words.
	CodeFullNameWords = "full_name_words"
	// CodeFullNameChars: the full name has something other than letters, hyphens and spaces.
	CodeFullNameChars = "full_name_chars"
	// CodePhoneFormat: not a Russian phone number.
	CodePhoneFormat = "phone_format"
	// CodeEmailFormat: not a plain e-mail address.
	CodeEmailFormat = "email_format"
	// CodeUnderage: the customer is younger than 18 today.
	CodeUnderage = "age_under_18"
	// CodeBirthDateRange: the birth date is implausibly far in the past.
	CodeBirthDateRange = "birth_date_range"
	// CodePassportSeries: the passport series is not 4 digits.
	CodePassportSeries = "passport_series_format"
	// CodePassportNumber: the passport number is not 6 digits.
	CodePassportNumber = "passport_number_format"

	// CodeINNFormat: the INN is not 10 or 12 digits.
	CodeINNFormat = "inn_format"
	// CodeINNRegion: the INN starts with 00, which is no tax office region.
	CodeINNRegion = "inn_region"
	// CodeINNChecksum: the INN's control digits do not match (a typo).
	CodeINNChecksum = "inn_checksum"
	// CodeKPPFormat: the KPP is not 9 characters of the form NNNNPPNNN.
	CodeKPPFormat = "kpp_format"
	// CodeOGRNFormat: the OGRN is not 13 digits starting with 1 or 5, nor an OGRNIP of
	// 15 digits starting with 3.
	CodeOGRNFormat = "ogrn_format"
	// CodeOGRNChecksum: the OGRN's control digit does not match.
	CodeOGRNChecksum = "ogrn_checksum"
	// CodeBIKFormat: the BIK is not 9 digits starting with 04.
	CodeBIKFormat = "bik_format"
	// CodeAccountFormat: the bank account is not 20 digits.
	CodeAccountFormat = "account_format"
	// CodeAccountChecksum: the account's control key does not match the BIK.
	CodeAccountChecksum = "account_checksum"

	// CodeDiscountNegative: a negative discount.
	CodeDiscountNegative = "discount_negative"
	// CodeDiscountPrecision: a discount with more than two decimals of a percent.
	CodeDiscountPrecision = "discount_precision"
	// CodeDiscountRange: a discount above 100% or not a number.
	CodeDiscountRange = "discount_range"
	// CodeDiscountOverMax: the discount (Args[0], bp) exceeds the tariff's maximum (Args[1], bp).
	CodeDiscountOverMax = "discount_over_max"
	// CodeTermNotOffered: the tariff is not sold for Args[0] months (Args[1]: the terms it has).
	CodeTermNotOffered = "term_not_offered"
	// CodeUnknownOption: the tariff has no option with code Args[0].
	CodeUnknownOption = "unknown_option"
	// CodeCommissionRange: the partner's commission rate is not within 0..100%.
	CodeCommissionRange = "commission_range"
	// CodeBandMissing: the tariff's bands do not cover the vehicle's value; a tariff
	// configuration gap rather than a dealer mistake.
	CodeBandMissing = "band_missing"
	// CodePriceOutOfRange: the computed price does not fit in the money type.
	CodePriceOutOfRange = "price_out_of_range"

	// CodeAgeOverLimit: the vehicle (Args[0] years) is older than the tariff allows (Args[1]).
	CodeAgeOverLimit = "age_over_limit"
	// CodeCatalogSpellingTaken: the spelling Args[0] already names Args[1] in the catalogue.
	CodeCatalogSpellingTaken = "catalog_spelling_taken"
	// CodeMileageOverLimit: the mileage (Args[0] km) is above the tariff's limit (Args[1]).
	CodeMileageOverLimit = "mileage_over_limit"
	// CodeMakeExcluded: the tariff does not cover the make Args[0].
	CodeMakeExcluded = "make_excluded"
	// CodeCategoryNotAllowed: the tariff does not cover the category Args[0].
	CodeCategoryNotAllowed = "category_not_allowed"

	// CodeTariffCodeFormat: a tariff or option code is not lower-case latin, digits and '_'.
	CodeTariffCodeFormat = "code_format"
	// CodeTermInvalid: a term is not 1..120 months or is listed twice.
	CodeTermInvalid = "term_invalid"
	// CodeBasePriceMissing: a term has no base price.
	CodeBasePriceMissing = "base_price_missing"
	// CodeBasePriceRange: a base price is not within 1 kopeck..10 million roubles.
	CodeBasePriceRange = "base_price_range"
	// CodeBandsOrder: band upper bounds are negative or not strictly increasing.
	CodeBandsOrder = "bands_order"
	// CodeBandsCoverage: the last band ends below the eligibility limit (Args[0]).
	CodeBandsCoverage = "bands_coverage"
	// CodeCoefficientRange: a coefficient is not within ×0.01..×5.00.
	CodeCoefficientRange = "coefficient_range"
	// CodeOptionDuplicate: two options share the code Args[0].
	CodeOptionDuplicate = "option_duplicate"
	// CodeOptionPrice: an option's price is negative or above 10 million roubles.
	CodeOptionPrice = "option_price"
	// CodeMaxDiscountRange: the maximum discount is not within 0..100%.
	CodeMaxDiscountRange = "max_discount_range"
	// CodeLimitNegative: an eligibility limit is negative.
	CodeLimitNegative = "limit_negative"
)

// message is one code's text in both languages. Placeholders are {i} for Args[i], or
// {i:kind} to format it: years, months, chars (Russian plural agreement; ".gen" for the
// genitive after «до», «не старше», «не больше»), num (digit groups), km, pct (basis
// points as a percentage), rub (kopecks as roubles), category (a vehicle category's name).
type message struct{ ru, en string }

var catalog = map[string]message{
	CodeRequired: {"Заполните это поле", "This field is required"},
	CodeTooLong:  {"Слишком длинно: не больше {0:chars.gen}", "Too long: at most {0:chars}"},

	CodeVINLength: {
		"VIN должен содержать 17 символов: латинские буквы, кроме I, O, Q, и цифры (сейчас {0:chars})",
		"The VIN must be 17 characters: Latin letters except I, O, Q, and digits (got {0:chars})",
	},
	CodeVINChar: {
		"Недопустимый символ «{0}» в VIN: допускаются только латинские буквы, кроме I, O, Q, и цифры",
		"Invalid character “{0}” in the VIN: only Latin letters except I, O, Q, and digits are allowed",
	},
	CodeYearRange:    {"Год выпуска должен быть от {0} до {1}", "The model year must be between {0} and {1}"},
	CodeMileageRange: {"Пробег должен быть от {0:km} до {1:km}", "The mileage must be between {0:km} and {1:km}"},
	CodePowerRange: {
		"Мощность двигателя должна быть от {0} до {1:num} л. с.",
		"The engine power must be between {0} and {1:num} hp",
	},
	CodeVolumeRange: {
		"Объём двигателя должен быть от {0} до {1:num} см³ (0 — для электромобиля)",
		"The engine volume must be between {0} and {1:num} cc (0 for an electric vehicle)",
	},
	CodeCategoryInvalid: {
		"Выберите категорию: новый, с пробегом или параллельный импорт",
		"Choose a category: new, used or parallel import",
	},
	CodeDateFormat:   {"Укажите дату в формате ГГГГ-ММ-ДД", "Enter a date as YYYY-MM-DD"},
	CodeDateInFuture: {"Дата не может быть позже сегодняшней", "The date cannot be later than today"},
	CodeSoldBeforeModelYear: {
		"Дата продажи не может быть раньше {0} года — проверьте год выпуска",
		"The sale date cannot be earlier than {0}; check the model year",
	},

	CodeFullNameWords: {
		"Укажите фамилию и имя полностью (и отчество, если есть)",
		"Enter the full name: at least a surname and a given name",
	},
	CodeFullNameChars: {
		"ФИО может содержать только буквы (кириллицу или латиницу), дефис и пробелы",
		"The name may contain only letters (Cyrillic or Latin), hyphens and spaces",
	},
	CodePhoneFormat: {
		"Укажите российский номер телефона, например +7 916 123-45-67",
		"Enter a Russian phone number, e.g. +7 916 123-45-67",
	},
	CodeEmailFormat: {
		"Укажите адрес электронной почты, например ivanov@mail.ru",
		"Enter an e-mail address such as ivanov@example.com",
	},
	CodeUnderage:       {"Покупателю должно быть не меньше 18 лет", "The customer must be at least 18 years old"},
	CodeBirthDateRange: {"Проверьте дату рождения", "Check the date of birth"},
	CodePassportSeries: {"Серия паспорта — 4 цифры", "The passport series must be 4 digits"},
	CodePassportNumber: {"Номер паспорта — 6 цифр", "The passport number must be 6 digits"},

	CodeINNFormat: {
		"ИНН состоит из 10 цифр у организации или из 12 цифр у ИП и физического лица",
		"An INN is 10 digits for a company or 12 digits for a sole trader or an individual",
	},
	CodeINNRegion: {
		"ИНН не может начинаться с 00: первые цифры — код налоговой инспекции",
		"An INN cannot start with 00: the first digits are the tax office code",
	},
	CodeINNChecksum: {
		"Такого ИНН не существует: не сходится контрольное число. Проверьте, нет ли опечатки",
		"This INN does not exist: its check digits do not match. Check it for typos",
	},
	CodeKPPFormat: {
		"КПП состоит из 9 символов: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры",
		"A KPP is 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits",
	},
	CodeOGRNFormat: {
		"ОГРН состоит из 13 цифр и начинается с 1 или 5, ОГРНИП — из 15 цифр и начинается с 3",
		"An OGRN is 13 digits starting with 1 or 5; an OGRNIP is 15 digits starting with 3",
	},
	CodeOGRNChecksum: {
		"Не сходится контрольная цифра ОГРН — проверьте, нет ли опечатки",
		"The OGRN check digit does not match; check it for typos",
	},
	CodeBIKFormat: {
		"БИК состоит из 9 цифр и начинается с 04",
		"A BIK is 9 digits starting with 04",
	},
	CodeAccountFormat: {"Номер счёта состоит из 20 цифр", "An account number is 20 digits"},
	CodeAccountChecksum: {
		"Номер счёта не сходится с БИК банка — проверьте оба реквизита",
		"The account number does not match the bank's BIK; check both",
	},

	CodeDiscountNegative:  {"Скидка не может быть отрицательной", "The discount cannot be negative"},
	CodeDiscountPrecision: {"Скидку можно указать с точностью до сотых процента", "The discount may have at most two decimals"},
	CodeDiscountRange:     {"Скидка должна быть от 0 до 100 %", "The discount must be between 0 and 100%"},
	CodeDiscountOverMax: {
		"Скидка {0:pct} больше максимальной по этому тарифу — {1:pct}",
		"The discount of {0:pct} exceeds this plan's maximum of {1:pct}",
	},
	CodeTermNotOffered: {
		"На срок {0:months} этот тариф не оформляется; доступные сроки: {1} мес.",
		"This plan is not sold for {0:months}; available terms: {1} months",
	},
	CodeUnknownOption: {"Опции «{0}» нет в этом тарифе", "This plan has no option “{0}”"},
	CodeCommissionRange: {
		"Ставка комиссии партнёра должна быть от 0 до 100 %",
		"The partner's commission rate must be between 0 and 100%",
	},
	CodeBandMissing: {
		"Тариф не рассчитан на такое значение — обратитесь к менеджеру",
		"The plan has no price for this value; contact your manager",
	},
	CodePriceOutOfRange: {
		"Стоимость не удаётся рассчитать: проверьте настройки тарифа",
		"The price cannot be computed; check the plan's settings",
	},

	CodeAgeOverLimit: {
		"Автомобилю {0:years}, а по этому тарифу принимаются автомобили не старше {1:years.gen}",
		"The vehicle is {0:years} old; this plan covers vehicles up to {1:years} old",
	},
	CodeMileageOverLimit: {
		"Пробег {0:km} больше допустимого по этому тарифу — {1:km}",
		"The mileage of {0:km} exceeds this plan's limit of {1:km}",
	},
	CodeMakeExcluded: {
		"Автомобили марки {0} по этому тарифу не принимаются",
		"This plan does not cover {0} vehicles",
	},
	CodeCategoryNotAllowed: {
		"Автомобили категории «{0:category}» по этому тарифу не принимаются",
		"This plan does not cover the “{0:category}” category",
	},

	CodeTariffCodeFormat: {
		"Код: от 1 до 32 символов — строчные латинские буквы, цифры и «_»",
		"A code is 1 to 32 characters: lower-case Latin letters, digits and “_”",
	},
	CodeTermInvalid:      {"Срок — от 1 до 120 месяцев, без повторов", "A term is 1 to 120 months, without repeats"},
	CodeBasePriceMissing: {"Укажите базовую цену для каждого срока", "Set a base price for every term"},
	CodeBasePriceRange: {
		"Базовая цена должна быть больше нуля и не больше 10 000 000 ₽",
		"A base price must be above zero and at most 10,000,000 ₽",
	},
	CodeBandsOrder: {
		"Границы диапазонов должны быть неотрицательными и идти по возрастанию",
		"Band bounds must be non-negative and increasing",
	},
	CodeBandsCoverage: {
		"Последний диапазон должен доходить до ограничения тарифа — {0:num}",
		"The last band must reach the plan's limit of {0:num}",
	},
	CodeCoefficientRange: {
		"Коэффициент должен быть от 0,01 до 5,00",
		"A coefficient must be between 0.01 and 5.00",
	},
	CodeOptionDuplicate: {"Опция с кодом «{0}» указана дважды", "The option code “{0}” is used twice"},
	CodeOptionPrice: {
		"Цена опции должна быть от 0 до 10 000 000 ₽",
		"An option's price must be between 0 and 10,000,000 ₽",
	},
	CodeMaxDiscountRange: {"Максимальная скидка — от 0 до 100 %", "The maximum discount must be between 0 and 100%"},
	CodeLimitNegative:    {"Ограничение не может быть отрицательным", "A limit cannot be negative"},

	FlagAgeNearLimit: {
		"Автомобилю {0:years} — это близко к пределу тарифа ({1:years})",
		"The vehicle is {0:years} old, close to the plan's limit of {1:years}",
	},
	FlagMileageNearLimit: {
		"Пробег {0:km} близок к пределу тарифа ({1:km})",
		"The mileage of {0:km} is close to the plan's limit of {1:km}",
	},
	FlagDiscountHigh: {
		"Скидка {0:pct} превышает {1:pct}",
		"The discount of {0:pct} is above {1:pct}",
	},
	FlagParallelImport: {
		"Автомобиль ввезён по параллельному импорту",
		"The vehicle was brought in by parallel import",
	},
	FlagVINUnderContract: {
		"На этот VIN уже есть действующий договор или договор, ожидающий оплаты",
		"This VIN already has an active contract or one awaiting payment",
	},
	FlagVINCheckDigit: {
		"Не сходится контрольный символ VIN (9-й знак) — сверьте VIN с ПТС",
		"The VIN check digit (9th character) does not match; compare the VIN with the vehicle's title",
	},
	FlagVINCheckDigitNorthAmerica: {
		"Не сходится контрольный символ VIN (9-й знак), обязательный для автомобилей из Северной Америки (VIN начинается с 1–5), — сверьте VIN с ПТС",
		"The VIN check digit (9th character), mandatory for North-American vehicles (VIN starting 1–5), does not match; compare the VIN with the vehicle's title",
	},
	FlagVINPreviouslyRejected: {
		"Продажу на этот VIN уже отклонял менеджер: «{0}»",
		"A manager already rejected a sale of this VIN: “{0}”",
	},
	flagVINPreviouslyRejectedForSeller: {
		"Продажу на этот VIN уже отклонял менеджер; причину менеджер увидит при проверке",
		"A manager already rejected a sale of this VIN; the approver will see why",
	},
	CodeCatalogSpellingTaken: {
		"Написание «{0}» уже означает «{1}» в справочнике",
		"The spelling “{0}” already means “{1}” in the catalogue",
	},
	FlagVehicleNotInCatalogue: {
		"Марки или модели «{0} {1}» нет в справочнике — введена вручную («другая»)",
		"The make or model “{0} {1}” is not in the catalogue; it was typed in (“other”)",
	},
	FlagMileageHighForNew: {
		"У нового автомобиля пробег {0:km} — больше {1:km}; проверьте категорию и пробег",
		"A new vehicle with {0:km} is above {1:km}; check the category and the mileage",
	},
	FlagMileageImplausibleForAge: {
		"Пробег {0:km} неправдоподобен для автомобиля возрастом {1:years}: ожидается от {2:km} до {3:km}",
		"A mileage of {0:km} is implausible for a vehicle {1:years} old: expected {2:km} to {3:km}",
	},
}

// Language picks the message language from a user setting or an Accept-Language
// header: "en" for anything starting with en, otherwise "ru", the company's language.
func Language(s string) string {
	if isEnglish(s) {
		return "en"
	}
	return "ru"
}

func isEnglish(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}

// render fills the catalog text of code with args; an unknown code renders as itself
// so that a message is never empty.
func render(code string, args []any, lang string) string {
	m, ok := catalog[code]
	if !ok {
		return code
	}
	en := isEnglish(lang)
	tmpl := m.ru
	if en {
		tmpl = m.en
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			break
		}
		closing := strings.IndexByte(tmpl[open:], '}')
		if closing < 0 {
			break
		}
		b.WriteString(tmpl[:open])
		b.WriteString(formatPlaceholder(tmpl[open+1:open+closing], args, en))
		tmpl = tmpl[open+closing+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// formatPlaceholder formats one "{i:kind}" placeholder.
func formatPlaceholder(spec string, args []any, en bool) string {
	index, kind, _ := strings.Cut(spec, ":")
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(args) {
		return "…"
	}
	arg := args[i]
	n, isNumber := asInt64(arg)
	if kind == "category" {
		return categoryLabel(VehicleCategory(fmt.Sprint(arg)), en)
	}
	if !isNumber {
		return fmt.Sprint(arg)
	}
	switch kind {
	case "num":
		return formatGrouped(n, en)
	case "km":
		if en {
			return formatGrouped(n, en) + " km"
		}
		return formatGrouped(n, en) + nbsp + "км"
	case "pct":
		return formatBasisPoints(n, en)
	case "rub":
		return FormatRUB(Kopecks(n))
	case "":
		return strconv.FormatInt(n, 10)
	}
	if forms, ok := nouns[kind]; ok {
		if en {
			if n == 1 {
				return "1 " + forms.en[0]
			}
			return strconv.FormatInt(n, 10) + " " + forms.en[1]
		}
		return strconv.FormatInt(n, 10) + nbsp + russianPlural(n, forms.ru)
	}
	return strconv.FormatInt(n, 10)
}

// nounForms are the Russian forms for 1, 2–4 and 5+ (as in «1 год, 2 года, 5 лет»)
// and the English singular and plural.
type nounForms struct {
	ru [3]string
	en [2]string
}

var nouns = map[string]nounForms{
	"years":     {[3]string{"год", "года", "лет"}, [2]string{"year", "years"}},
	"years.gen": {[3]string{"года", "лет", "лет"}, [2]string{"year", "years"}},
	"months":    {[3]string{"месяц", "месяца", "месяцев"}, [2]string{"month", "months"}},
	"chars":     {[3]string{"символ", "символа", "символов"}, [2]string{"character", "characters"}},
	"chars.gen": {[3]string{"символа", "символов", "символов"}, [2]string{"character", "characters"}},
}

// russianPlural picks the form agreeing with n: 1, 21, 101 → one; 2–4, 22–24 → few;
// 0, 5–20, 25… → many.
func russianPlural(n int64, forms [3]string) string {
	if n < 0 {
		n = -n
	}
	switch last, lastTwo := n%10, n%100; {
	case last == 1 && lastTwo != 11:
		return forms[0]
	case last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14):
		return forms[1]
	default:
		return forms[2]
	}
}

// asInt64 reads an integer argument, including one that went through JSON as float64.
func asInt64(arg any) (int64, bool) {
	switch x := arg.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case Kopecks:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// formatGrouped writes n with digit groups: "150 000" in Russian, "150,000" in English.
func formatGrouped(n int64, en bool) string {
	sep := nbsp
	if en {
		sep = ","
	}
	if n < 0 {
		return "-" + groupThousands(strconv.FormatUint(uint64(-n), 10), sep)
	}
	return groupThousands(strconv.FormatInt(n, 10), sep)
}

// formatBasisPoints writes basis points as a percentage: 1250 → "12,5 %" ("12.5%").
func formatBasisPoints(bp int64, en bool) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', -1, 64)
	if en {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + nbsp + "%"
}
