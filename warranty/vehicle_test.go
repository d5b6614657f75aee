package warranty

import (
	"strings"
	"testing"
	"time"
)

func TestVehicleNormalizeCleansValidInput(t *testing.T) {
	in := Vehicle{
		VIN: " wvwzzz1jzxw000001 ", Make: "  Land   Rover ", Model: " Range  Rover\tSport ",
		Year: 2026, MileageKm: 0, EnginePowerHP: 1, EngineVolumeCC: 0, Category: " Parallel_Import ",
		SoldOn: " 2026-11-23 ",
	}
	got, vs := in.Normalize(today)
	wantCodes(t, vs)
	want := Vehicle{
		VIN: "WVWZZZ1JZXW000001", Make: "Land Rover", Model: "Range Rover Sport",
		Year: 2026, Category: CategoryParallelImport, EnginePowerHP: 1, SoldOn: "2026-11-23",
	}
	if got != want {
		t.Errorf("Normalize = %+v,\nwant %+v", got, want)
	}
	again, vs := got.Normalize(today)
	if again != got || len(vs) != 0 {
		t.Errorf("normalizing twice changed %+v into %+v (%v)", got, again, vs)
	}
}

func TestVehicleNormalizeRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Vehicle)
		field  string
		code   string
	}{
		{"valid", func(*Vehicle) {}, "", ""},
		{"check digit mismatch is not an error", func(v *Vehicle) { v.VIN = "WVWZZZ1JZXW000001" }, "", ""},
		{"vin empty", func(v *Vehicle) { v.VIN = "" }, "vin", CodeRequired},
		{"vin short", func(v *Vehicle) { v.VIN = "WVWZZZ1JZXW00000" }, "vin", CodeVINLength},
		{"vin letter O", func(v *Vehicle) { v.VIN = "WVWZZZ1JZXW00000O" }, "vin", CodeVINChar},
		{"make empty", func(v *Vehicle) { v.Make = "   " }, "make", CodeRequired},
		{"make 64 chars", func(v *Vehicle) { v.Make = strings.Repeat("Ж", 64) }, "", ""},
		{"make 65 chars", func(v *Vehicle) { v.Make = strings.Repeat("Ж", 65) }, "make", CodeTooLong},
		{"model empty", func(v *Vehicle) { v.Model = "" }, "model", CodeRequired},
		{"model 65 chars", func(v *Vehicle) { v.Model = strings.Repeat("x", 65) }, "model", CodeTooLong},
		{"year 1979", func(v *Vehicle) { v.Year, v.SoldOn = 1979, "2000-01-01" }, "year", CodeYearRange},
		{"year 1980", func(v *Vehicle) { v.Year, v.SoldOn = 1980, "2000-01-01" }, "", ""},
		{"year next", func(v *Vehicle) { v.Year = 2027 }, "", ""},
		{"year after next", func(v *Vehicle) { v.Year = 2028 }, "year", CodeYearRange},
		{"year zero", func(v *Vehicle) { v.Year = 0 }, "year", CodeYearRange},
		{"mileage 0", func(v *Vehicle) { v.MileageKm = 0 }, "", ""},
		{"mileage 1,000,000", func(v *Vehicle) { v.MileageKm = 1_000_000 }, "", ""},
		{"mileage 1,000,001", func(v *Vehicle) { v.MileageKm = 1_000_001 }, "mileage_km", CodeMileageRange},
		{"mileage -1", func(v *Vehicle) { v.MileageKm = -1 }, "mileage_km", CodeMileageRange},
		{"power 0", func(v *Vehicle) { v.EnginePowerHP = 0 }, "engine_power_hp", CodePowerRange},
		{"power 1", func(v *Vehicle) { v.EnginePowerHP = 1 }, "", ""},
		{"power 2000", func(v *Vehicle) { v.EnginePowerHP = 2000 }, "", ""},
		{"power 2001", func(v *Vehicle) { v.EnginePowerHP = 2001 }, "engine_power_hp", CodePowerRange},
		{"volume 0 electric", func(v *Vehicle) { v.EngineVolumeCC = 0 }, "", ""},
		{"volume 10000", func(v *Vehicle) { v.EngineVolumeCC = 10000 }, "", ""},
		{"volume 10001", func(v *Vehicle) { v.EngineVolumeCC = 10001 }, "engine_volume_cc", CodeVolumeRange},
		{"volume -1", func(v *Vehicle) { v.EngineVolumeCC = -1 }, "engine_volume_cc", CodeVolumeRange},
		{"category new", func(v *Vehicle) { v.Category = CategoryNew }, "", ""},
		{"category USED", func(v *Vehicle) { v.Category = "USED" }, "", ""},
		{"category empty", func(v *Vehicle) { v.Category = "" }, "category", CodeRequired},
		{"category unknown", func(v *Vehicle) { v.Category = "demo" }, "category", CodeCategoryInvalid},
		{"sold today", func(v *Vehicle) { v.SoldOn = "2026-11-23" }, "", ""},
		{"sold tomorrow", func(v *Vehicle) { v.SoldOn = "2026-11-24" }, "sold_on", CodeDateInFuture},
		{"sold empty", func(v *Vehicle) { v.SoldOn = "" }, "sold_on", CodeRequired},
		{"sold 30 Feb", func(v *Vehicle) { v.SoldOn = "2026-02-30" }, "sold_on", CodeDateFormat},
		{"sold Russian format", func(v *Vehicle) { v.SoldOn = "20.11.2026" }, "sold_on", CodeDateFormat},
		{"sold with time", func(v *Vehicle) { v.SoldOn = "2026-11-20T10:00:00Z" }, "sold_on", CodeDateFormat},
		{"sold 1 Jan of model year - 1", func(v *Vehicle) { v.SoldOn = "2023-01-01" }, "", ""},
		{"sold 31 Dec of model year - 2", func(v *Vehicle) { v.SoldOn = "2022-12-31" }, "sold_on", CodeSoldBeforeModelYear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validVehicle()
			tc.change(&v)
			_, vs := v.Normalize(today)
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

func TestVehicleNormalizeListsEveryViolation(t *testing.T) {
	_, vs := Vehicle{Year: 1900, MileageKm: -5, EngineVolumeCC: -1, SoldOn: "2999-01-01"}.Normalize(today)
	wantCodes(t, vs, CodeRequired, CodeRequired, CodeRequired, CodeYearRange, CodeMileageRange,
		CodePowerRange, CodeVolumeRange, CodeRequired, CodeDateInFuture)
	for _, field := range []string{"vin", "make", "model", "year", "mileage_km", "engine_power_hp",
		"engine_volume_cc", "category", "sold_on"} {
		if !vs.Has(field) {
			t.Errorf("no violation on %s", field)
		}
	}
	if got := vs.Fields("ru")["sold_on"]; got != "Дата не может быть позже сегодняшней" {
		t.Errorf("sold_on message %q", got)
	}
}

func TestVehicleSoldOnUsesTheCompanyCalendar(t *testing.T) {
	v := validVehicle()
	v.SoldOn = "2026-11-24"
	// 00:30 on 24 November in Moscow is still 23 November in UTC: the caller's zone decides.
	if _, vs := v.Normalize(at(2026, time.November, 24, 0, 30, 0)); len(vs) != 0 {
		t.Errorf("sold today in Moscow refused: %v", vs)
	}
	if _, vs := v.Normalize(at(2026, time.November, 24, 0, 30, 0).UTC()); !vs.Has("sold_on") {
		t.Error("sold tomorrow in UTC accepted")
	}
}

func TestVehicleAgeYears(t *testing.T) {
	for _, tc := range []struct{ year, want int }{{2026, 0}, {2027, 0}, {2025, 1}, {2016, 10}} {
		if got := (Vehicle{Year: tc.year}).AgeYears(today); got != tc.want {
			t.Errorf("age of a %d model = %d, want %d", tc.year, got, tc.want)
		}
	}
}

func TestVehicleCategoryLabel(t *testing.T) {
	for _, tc := range []struct {
		c      VehicleCategory
		ru, en string
	}{
		{CategoryNew, "новый", "new"},
		{CategoryUsed, "с пробегом", "used"},
		{CategoryParallelImport, "параллельный импорт", "parallel import"},
		{"demo", "demo", "demo"},
	} {
		if tc.c.Label("ru") != tc.ru || tc.c.Label("en") != tc.en {
			t.Errorf("%s: %q, %q", tc.c, tc.c.Label("ru"), tc.c.Label("en"))
		}
	}
	if len(VehicleCategories()) != 3 {
		t.Error("three categories expected")
	}
}
