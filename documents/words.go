package documents

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"karso.ru/prm/warranty"
)

// plural picks the Russian form of a word for n: 1 рубль, 2 рубля, 5 рублей, 11 рублей,
// 21 рубль.
func plural(n int64, one, few, many string) string {
	if n < 0 {
		n = -n
	}
	switch {
	case n%100 >= 11 && n%100 <= 19:
		return many
	case n%10 == 1:
		return one
	case n%10 >= 2 && n%10 <= 4:
		return few
	default:
		return many
	}
}

var (
	// unitWords are 0..9 for masculine nouns (рубль, миллион) and for feminine ones (тысяча).
	unitWords = [2][10]string{
		{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"},
		{"", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"},
	}
	teenWords = [10]string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
		"шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	tenWords = [10]string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
		"восемьдесят", "девяносто"}
	hundredWords = [10]string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
		"восемьсот", "девятьсот"}
)

// scale is a power of a thousand with its word forms and grammatical gender.
type scale struct {
	one, few, many string
	feminine       bool
}

// scales run from 10^18 down to 10^3; an int64 of kopecks stays below 10^17 roubles.
var scales = []scale{
	{"квинтиллион", "квинтиллиона", "квинтиллионов", false},
	{"квадриллион", "квадриллиона", "квадриллионов", false},
	{"триллион", "триллиона", "триллионов", false},
	{"миллиард", "миллиарда", "миллиардов", false},
	{"миллион", "миллиона", "миллионов", false},
	{"тысяча", "тысячи", "тысяч", true},
}

// tripletWords writes 1..999 in words.
func tripletWords(n int64, feminine bool) []string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, hundredWords[h])
	}
	switch t := n % 100; {
	case t >= 10 && t <= 19:
		w = append(w, teenWords[t-10])
	default:
		if t/10 > 0 {
			w = append(w, tenWords[t/10])
		}
		if t%10 > 0 {
			g := 0
			if feminine {
				g = 1
			}
			w = append(w, unitWords[g][t%10])
		}
	}
	return w
}

// integerWords writes a whole number of roubles in words (masculine, as рубль is).
func integerWords(n int64) string {
	if n == 0 {
		return "ноль"
	}
	var w []string
	div := int64(1_000_000_000_000_000_000)
	for _, sc := range scales {
		if part := n / div % 1000; part > 0 {
			w = append(w, tripletWords(part, sc.feminine)...)
			w = append(w, plural(part, sc.one, sc.few, sc.many))
		}
		div /= 1000
	}
	w = append(w, tripletWords(n%1000, false)...)
	return strings.Join(w, " ")
}

// amountInWords writes an amount as invoices and acts spell it out: "Пятьдесят восемь тысяч
// восемьсот пять рублей 00 копеек". Kopecks stay in digits, as is customary.
func amountInWords(k warranty.Kopecks) string {
	n := int64(k)
	sign := ""
	if n < 0 {
		sign, n = "минус ", -n // the smallest int64 has no positive twin, but no price comes near it
	}
	roubles, kop := n/100, n%100
	s := fmt.Sprintf("%s%s %s %02d %s", sign, integerWords(roubles), plural(roubles, "рубль", "рубля", "рублей"),
		kop, plural(kop, "копейка", "копейки", "копеек"))
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
