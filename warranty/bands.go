package warranty

import (
	"strconv"
	"strings"
)

// bandUnit is how a factor's values read: the Russian forms after a number (for 1, 2–4,
// 5+) in the nominative («4 года») and in the genitive used after «до» and «свыше»
// («до 3 лет»), and the English singular and plural.
type bandUnit struct {
	nominative, genitive [3]string
	en                   [2]string
	open                 int // a last band reaching this bound reads "over …"
}

var bandUnits = map[string]bandUnit{
	FactorAge: {
		nominative: [3]string{"год", "года", "лет"},
		genitive:   [3]string{"года", "лет", "лет"},
		en:         [2]string{"year", "years"},
		open:       openAgeYears,
	},
	FactorMileage: {
		nominative: [3]string{"км", "км", "км"},
		genitive:   [3]string{"км", "км", "км"},
		en:         [2]string{"km", "km"},
		open:       MaxMileageKm,
	},
	FactorPower: {
		nominative: [3]string{"л.\u00a0с.", "л.\u00a0с.", "л.\u00a0с."},
		genitive:   [3]string{"л.\u00a0с.", "л.\u00a0с.", "л.\u00a0с."},
		en:         [2]string{"hp", "hp"},
		open:       MaxEnginePowerHP,
	},
}

// bandLabel names band i of a factor's scale the way a tariff table does: «до 3 лет»,
// «от 4 до 5 лет», «свыше 7 лет», «4 года»; "up to 3 years", "4–5 years", "over 7
// years" in English.
func bandLabel(factor string, bands []Band, i int, en bool) string {
	unit := bandUnits[factor]
	from := 0
	if i > 0 {
		from = bands[i-1].UpTo + 1
	}
	to := bands[i].UpTo
	open := i == len(bands)-1 && to >= unit.open

	amount := func(n int, forms [3]string) string {
		if en {
			form := unit.en[1]
			if n == 1 {
				form = unit.en[0]
			}
			return formatGrouped(int64(n), true) + " " + form
		}
		return formatGrouped(int64(n), false) + nbsp + russianPlural(int64(n), forms)
	}
	switch {
	case open && i == 0:
		if en {
			return "any"
		}
		return "любой"
	case open:
		if en {
			return "over " + amount(from-1, unit.nominative)
		}
		return "свыше " + amount(from-1, unit.genitive)
	case i == 0:
		if en {
			return "up to " + amount(to, unit.nominative)
		}
		return "до " + amount(to, unit.genitive)
	case from == to:
		return amount(to, unit.nominative)
	case en:
		return formatGrouped(int64(from), true) + "–" + amount(to, unit.nominative)
	default:
		return "от " + formatGrouped(int64(from), false) + " до " + amount(to, unit.genitive)
	}
}

// FormatCoefficient writes a coefficient as a multiplier for people, with two to four
// decimals: 11500 → "×1,15" (Russian) or "×1.15" (English), 11525 → "×1,1525".
func FormatCoefficient(c Coefficient, lang string) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	frac := strconv.FormatInt(BasisPointsPerUnit+c%BasisPointsPerUnit, 10)[1:] // four digits
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	sep := ","
	if isEnglish(lang) {
		sep = "."
	}
	return sign + "×" + strconv.FormatInt(c/BasisPointsPerUnit, 10) + sep + frac
}
