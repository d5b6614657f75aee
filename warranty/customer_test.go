package warranty

import (
	"strings"
	"testing"
	"time"
)

func TestCustomerNormalizeCleansValidInput(t *testing.T) {
	got, vs := Customer{
		FullName: "  Иванов   Иван  Иванович ", Phone: "8 (916) 123-45-67", Email: " Ivanov@Mail.RU ",
		BirthDate: " 1985-04-12 ", PassportSeries: "45 06", PassportNumber: " 123456 ",
	}.Normalize(today)
	wantCodes(t, vs)
	want := Customer{
		FullName: "Иванов Иван Иванович", Phone: "+79161234567", Email: "ivanov@mail.ru",
		BirthDate: "1985-04-12", PassportSeries: "4506", PassportNumber: "123456",
	}
	if got != want {
		t.Errorf("Normalize = %+v,\nwant %+v", got, want)
	}
	again, vs := got.Normalize(today)
	if again != got || len(vs) != 0 {
		t.Errorf("normalizing twice changed %+v into %+v (%v)", got, again, vs)
	}
}

func TestCustomerNormalizeRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Customer)
		field  string
		code   string
	}{
		{"valid", func(*Customer) {}, "", ""},
		{"two words", func(c *Customer) { c.FullName = "Иванов Иван" }, "", ""},
		{"latin", func(c *Customer) { c.FullName = "John Smith" }, "", ""},
		{"hyphenated", func(c *Customer) { c.FullName = "Римский-Корсаков Николай Андреевич" }, "", ""},
		{"ё", func(c *Customer) { c.FullName = "Ёлкин Пётр" }, "", ""},
		{"name empty", func(c *Customer) { c.FullName = " " }, "full_name", CodeRequired},
		{"one word", func(c *Customer) { c.FullName = "Иванов" }, "full_name", CodeFullNameWords},
		{"digit", func(c *Customer) { c.FullName = "Иванов 1ван" }, "full_name", CodeFullNameChars},
		{"dot", func(c *Customer) { c.FullName = "Иванов И. И." }, "full_name", CodeFullNameChars},
		{"lone hyphen", func(c *Customer) { c.FullName = "Иванов - Иван" }, "full_name", CodeFullNameChars},
		{"double hyphen", func(c *Customer) { c.FullName = "Анна--Мария Иванова" }, "full_name", CodeFullNameChars},
		{"greek", func(c *Customer) { c.FullName = "Ιωάννης Παπαδόπουλος" }, "full_name", CodeFullNameChars},
		{"too long", func(c *Customer) { c.FullName = strings.Repeat("Ж", 100) + " " + strings.Repeat("Ж", 50) }, "full_name", CodeTooLong},
		{"phone empty", func(c *Customer) { c.Phone = "" }, "phone", CodeRequired},
		{"phone foreign", func(c *Customer) { c.Phone = "+1 212 555 0100" }, "phone", CodePhoneFormat},
		{"email required", func(c *Customer) { c.Email = "  " }, "email", CodeRequired},
		{"email bad", func(c *Customer) { c.Email = "ivanov@mail" }, "email", CodeEmailFormat},
		{"18 today", func(c *Customer) { c.BirthDate = "2008-11-23" }, "", ""},
		{"18 tomorrow", func(c *Customer) { c.BirthDate = "2008-11-24" }, "birth_date", CodeUnderage},
		{"born today", func(c *Customer) { c.BirthDate = "2026-11-23" }, "birth_date", CodeUnderage},
		{"born tomorrow", func(c *Customer) { c.BirthDate = "2026-11-24" }, "birth_date", CodeDateInFuture},
		{"120 years", func(c *Customer) { c.BirthDate = "1906-11-23" }, "", ""},
		{"121 years", func(c *Customer) { c.BirthDate = "1905-11-23" }, "birth_date", CodeBirthDateRange},
		{"birth empty", func(c *Customer) { c.BirthDate = "" }, "birth_date", CodeRequired},
		{"birth bad", func(c *Customer) { c.BirthDate = "12.04.1985" }, "birth_date", CodeDateFormat},
		{"no passport", func(c *Customer) { c.PassportSeries, c.PassportNumber = "", "" }, "", ""},
		{"series only", func(c *Customer) { c.PassportNumber = "" }, "passport_number", CodeRequired},
		{"number only", func(c *Customer) { c.PassportSeries = "" }, "passport_series", CodeRequired},
		{"series 3 digits", func(c *Customer) { c.PassportSeries = "450" }, "passport_series", CodePassportSeries},
		{"series letters", func(c *Customer) { c.PassportSeries = "45AB" }, "passport_series", CodePassportSeries},
		{"number 7 digits", func(c *Customer) { c.PassportNumber = "1234567" }, "passport_number", CodePassportNumber},
		{"number letter", func(c *Customer) { c.PassportNumber = "12345O" }, "passport_number", CodePassportNumber},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validCustomer()
			tc.change(&c)
			_, vs := c.Normalize(today)
			if tc.code == "" {
				wantCodes(t, vs)
				return
			}
			if len(vs) != 1 || vs[0].Field != tc.field || vs[0].Code != tc.code {
				t.Fatalf("violations %+v, want only %s on %s", vs, tc.code, tc.field)
			}
		})
	}
}

func TestCustomerNormalizeListsEveryViolation(t *testing.T) {
	_, vs := Customer{Email: "x", PassportSeries: "1"}.Normalize(today)
	wantCodes(t, vs, CodeRequired, CodeRequired, CodeEmailFormat, CodeRequired, CodePassportSeries, CodeRequired)
	fields := vs.Fields("ru")
	for field, want := range map[string]string{
		"full_name":       "Заполните это поле",
		"email":           "Укажите адрес электронной почты, например ivanov@mail.ru",
		"passport_series": "Серия паспорта — 4 цифры",
	} {
		if fields[field] != want {
			t.Errorf("%s: %q, want %q", field, fields[field], want)
		}
	}
}

func TestFullYearsBetween(t *testing.T) {
	date := func(s string) time.Time {
		d, err := time.Parse(DateLayout, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		birth, day string
		want       int
	}{
		{"2008-11-23", "2026-11-23", 18},
		{"2008-11-24", "2026-11-23", 17},
		{"2008-02-29", "2026-02-28", 18}, // a leap-day birthday counts on 28 February
		{"2008-02-29", "2026-02-27", 17},
		{"2008-02-29", "2028-02-28", 19},
		{"2008-02-29", "2028-02-29", 20},
		{"2008-03-01", "2026-02-28", 17},
		{"2008-12-31", "2026-01-01", 17},
	} {
		if got := fullYearsBetween(date(tc.birth), date(tc.day)); got != tc.want {
			t.Errorf("born %s, on %s: %d years, want %d", tc.birth, tc.day, got, tc.want)
		}
	}
}

func TestCustomerAdultOnLeapDayBirthday(t *testing.T) {
	c := validCustomer()
	c.BirthDate = "2008-02-29"
	if _, vs := c.Normalize(at(2026, time.February, 28, 10, 0, 0)); len(vs) != 0 {
		t.Errorf("18 on 28 February 2026 refused: %v", vs)
	}
	if _, vs := c.Normalize(at(2026, time.February, 27, 23, 59, 59)); !vs.Has("birth_date") {
		t.Error("17-year-old accepted")
	}
}
