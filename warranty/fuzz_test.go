package warranty

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	normalizedVIN   = regexp.MustCompile(`^[A-HJ-NPR-Z0-9]{17}$`)
	normalizedPhone = regexp.MustCompile(`^\+7[3489][0-9]{9}$`)
)

func FuzzNormalizeVIN(f *testing.F) {
	for _, seed := range []string{
		"1M8GDM9AXKP042788", " 1m8gdm9axkp042788 ", "WVWZZZ1JZXW000001", "ХТА210740Y1234567",
		"1M8GDM9AXKP04278O", "", "   ", "1M8GDM9AXKP0427", "\xff\xfe", "ＷＶＷ", "ı1M8GDM9AXKP04278",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vin, v := NormalizeVIN(s)
		VINCheckDigitOK(s) // must not panic on anything
		if v != nil {
			if vin != "" || v.Field != "vin" || v.Message("ru") == v.Code {
				t.Fatalf("NormalizeVIN(%q) = %q, %+v", s, vin, *v)
			}
			return
		}
		if !normalizedVIN.MatchString(vin) {
			t.Fatalf("NormalizeVIN(%q) = %q: not a VIN", s, vin)
		}
		again, v := NormalizeVIN(vin)
		if v != nil || again != vin {
			t.Fatalf("NormalizeVIN(%q) = %q, then %q, %v", s, vin, again, v)
		}
		if digit, ok := VINCheckDigit(vin); !ok || (digit != 'X' && (digit < '0' || digit > '9')) {
			t.Fatalf("VINCheckDigit(%q) = %q, %v", vin, digit, ok)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, seed := range []string{
		"8 (916) 123-45-67", "+7 916 1234567", "79161234567", "9161234567", "+79161234567",
		"+8 916 123-45-67", "8 800 555-35-35", "+7 701 123 45 67", "", "+", "++7", "8(((9)))1", "\u00a0+7\u2009916",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		phone, v := NormalizePhone(s)
		if v != nil {
			if phone != "" || v.Field != "phone" {
				t.Fatalf("NormalizePhone(%q) = %q, %+v", s, phone, *v)
			}
			return
		}
		if !normalizedPhone.MatchString(phone) {
			t.Fatalf("NormalizePhone(%q) = %q: not E.164 Russian", s, phone)
		}
		again, v := NormalizePhone(phone)
		if v != nil || again != phone {
			t.Fatalf("NormalizePhone(%q) = %q, then %q, %v", s, phone, again, v)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, seed := range []string{
		"ivanov@mail.ru", " Ivanov@Mail.RU ", "иван@почта.рф", "Иван <ivanov@mail.ru>", "a@b", "@", "", `"a b"@c.ru`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		email, v := NormalizeEmail(s)
		if v != nil {
			return
		}
		if email != strings.ToLower(strings.TrimSpace(email)) || !strings.Contains(email, "@") || len(email) > maxEmailLength {
			t.Fatalf("NormalizeEmail(%q) = %q", s, email)
		}
		again, v := NormalizeEmail(email)
		if v != nil || again != email {
			t.Fatalf("NormalizeEmail(%q) = %q, then %q, %v", s, email, again, v)
		}
	})
}

func FuzzValidateINN(f *testing.F) {
	for _, seed := range []string{
		"7707083893", "7736207543", "500100732259", "7707083894", "0000000000", "", "77070838931", "12345678901x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := ValidateINN(s)
		if v != nil {
			if v.Field != "inn" || v.Message("en") == v.Code {
				t.Fatalf("ValidateINN(%q) = %+v", s, *v)
			}
			return
		}
		if !allDigits(s) || (len(s) != 10 && len(s) != 12) {
			t.Fatalf("ValidateINN accepted %q", s)
		}
		// A single-digit typo in the last control digit is always caught.
		last := s[len(s)-1]
		typo := s[:len(s)-1] + string('0'+(last-'0'+1)%10)
		if ValidateINN(typo) == nil {
			t.Fatalf("ValidateINN accepted both %q and %q", s, typo)
		}
	})
}

func FuzzParseContractNumber(f *testing.F) {
	for _, seed := range []string{"KR-2026-000042", " kr-2026-000042", "KR-2026-0000042", "KR-2026-1000000", "KR--", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		year, seq, ok := ParseContractNumber(s)
		if !ok {
			return
		}
		if got, want := FormatContractNumber(year, seq), strings.ToUpper(strings.TrimSpace(s)); got != want {
			t.Fatalf("ParseContractNumber(%q) = %d, %d; formats back as %q", s, year, seq, got)
		}
	})
}

func FuzzRate(f *testing.F) {
	f.Add(uint8(0), 12, 2022, 120_000, 180, uint8(1), uint8(3), int64(500), int64(1500), int64(1000), uint16(0), int64(0), "Kia")
	f.Add(uint8(1), 24, 2026, 0, 1, uint8(0), uint8(7), int64(0), int64(1), int64(10000), uint16(0), int64(0), "Lada")
	f.Add(uint8(2), 36, 2021, 100_000, 2000, uint8(0), uint8(255), int64(1499), int64(1500), int64(0), uint16(0), int64(0), "BMW")
	f.Add(uint8(2), 36, 2015, 250_000, 600, uint8(2), uint8(2), int64(-1), int64(2000), int64(20000), uint16(0), int64(0), "Ferrari")
	f.Add(uint8(0), 12, 2026, 0, 100, uint8(1), uint8(0), int64(0), int64(10000), int64(5000), uint16(65535), int64(MaxTariffPrice), "Kia")
	f.Add(uint8(1), 24, 2024, 59_999, 251, uint8(1), uint8(1), int64(333), int64(334), int64(777), uint16(123), int64(200099), "Kia")
	f.Add(uint8(0), 12, 1970, -1, 0, uint8(9), uint8(0), int64(0), int64(0), int64(0), uint16(0), int64(-5), "")
	f.Fuzz(func(t *testing.T, tariffIndex uint8, term, year, mileage, power int, category, optionMask uint8,
		discountA, discountB, commission int64, coefficientScale uint16, basePrice int64, brand string) {
		tariffs := StandardTariffs()
		tr := tariffs[int(tariffIndex)%len(tariffs)]
		if coefficientScale != 0 { // stretch every coefficient towards the extremes the tariff may use
			stretch := func(c int64) int64 {
				return min(MaxCoefficient, max(MinCoefficient, c*int64(coefficientScale)/1000))
			}
			for _, bands := range [][]Band{tr.Rules.AgeBands, tr.Rules.MileageBands, tr.Rules.PowerBands} {
				for i := range bands {
					bands[i].Coefficient = stretch(bands[i].Coefficient)
				}
			}
			for c, k := range tr.Rules.CategoryCoefficients {
				tr.Rules.CategoryCoefficients[c] = stretch(k)
			}
		}
		if basePrice != 0 {
			tr.Rules.BasePrices[12] = Kopecks(basePrice)
		}
		tr.Rules.MaxDiscountBP = 10000 // let the fuzzer explore every discount
		var options []string
		for i, o := range tr.Rules.Options {
			if optionMask&(1<<i) != 0 {
				options = append(options, o.Code)
			}
		}
		if optionMask&0x80 != 0 {
			options = append(options, "helicopter")
		}
		categories := []VehicleCategory{CategoryNew, CategoryUsed, CategoryParallelImport, "", "demo"}
		vehicle := Vehicle{
			Make: brand, Year: year, MileageKm: mileage, EnginePowerHP: power,
			Category: categories[int(category)%len(categories)],
		}
		rate := func(discount int64) (Quote, Violations) {
			return Rate(RateInput{
				Tariff: tr, Vehicle: vehicle, TermMonths: term, OptionCodes: options,
				DiscountBP: discount, CommissionBP: commission, Today: today,
			})
		}

		lo, hi := min(discountA, discountB), max(discountA, discountB)
		qLo, vsLo := rate(lo)
		qHi, vsHi := rate(hi)
		for _, r := range []struct {
			q  Quote
			vs Violations
		}{{qLo, vsLo}, {qHi, vsHi}} {
			if len(r.vs) > 0 {
				for _, v := range r.vs {
					if v.Field == "" || !utf8.ValidString(v.Message("ru")) {
						t.Fatalf("bad violation %+v", v)
					}
				}
				continue
			}
			q := r.q
			if q.PriceKopecks < 0 || q.PriceKopecks%100 != 0 {
				t.Fatalf("price %d is negative or not whole roubles: %+v", q.PriceKopecks, q)
			}
			if q.CommissionKopecks < 0 || q.CommissionKopecks > q.PriceKopecks {
				t.Fatalf("commission %d of price %d", q.CommissionKopecks, q.PriceKopecks)
			}
			if q.GrossKopecks-q.DiscountKopecks+q.RoundingKopecks != q.PriceKopecks || q.RoundingKopecks > 51 || q.RoundingKopecks < -51 {
				t.Fatalf("lines do not add up: %+v", q)
			}
			if q.PriceKopecks > q.GrossKopecks+50 {
				t.Fatalf("price %d above gross %d", q.PriceKopecks, q.GrossKopecks)
			}
		}
		if len(vsLo) == 0 && len(vsHi) == 0 && qHi.PriceKopecks > qLo.PriceKopecks {
			t.Fatalf("discount %d bp gives %d, more than %d at %d bp", hi, qHi.PriceKopecks, qLo.PriceKopecks, lo)
		}
		// Within 0..100% the discount never decides whether there is a price.
		if lo >= 0 && hi <= 10000 && (len(vsLo) == 0) != (len(vsHi) == 0) {
			t.Fatalf("discount %d: %v; discount %d: %v", lo, vsLo, hi, vsHi)
		}
		if again, _ := rate(lo); len(vsLo) == 0 && !reflect.DeepEqual(again, qLo) {
			t.Fatalf("Rate is not deterministic: %+v vs %+v", again, qLo)
		}
	})
}
