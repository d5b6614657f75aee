package warranty

// StandardTariffs returns the three plans the company launches with — «Базовый»,
// «Оптимальный» and «Премиум» — as the seed of the tariff catalogue and the fixture of
// tests. Each call returns fresh values, so callers may modify them.
//
// The plans widen coverage and tighten eligibility as they go up: a richer plan covers
// more units, so it takes only younger, less-used cars. Exotic makes, whose repairs
// cost a multiple of the premium, are excluded everywhere; Premium also refuses
// parallel imports, whose parts supply is uncertain. Every plan allows a discount of up
// to 15%; above 10% the sale is flagged for a manager.
func StandardTariffs() []Tariff {
	return []Tariff{basicTariff(), optimalTariff(), premiumTariff()}
}

// exoticMakes are makes no plan covers.
func exoticMakes() []string {
	return []string{"Aston Martin", "Bentley", "Ferrari", "Lamborghini", "Maserati", "McLaren", "Rolls-Royce"}
}

// standardPowerBands price engine power the same way in every plan: stronger engines
// are driven harder and cost more to repair.
func standardPowerBands() []Band {
	return []Band{
		{UpTo: 150, Coefficient: 10000},
		{UpTo: 250, Coefficient: 12000},
		{UpTo: 350, Coefficient: 14000},
		{UpTo: MaxEnginePowerHP, Coefficient: 17000},
	}
}

// The add-ons, priced the same in every plan that has them.
func roadsideOption() Option {
	return Option{Code: "roadside", Name: "Помощь на дороге", NameEN: "Roadside assistance", PriceKopecks: 2_900_00}
}

func replacementCarOption() Option {
	return Option{Code: "replacement_car", Name: "Подменный автомобиль", NameEN: "Replacement car", PriceKopecks: 7_900_00}
}

func tyresOption() Option {
	return Option{Code: "tyres", Name: "Шины и диски", NameEN: "Tyres and wheels", PriceKopecks: 4_900_00}
}

func basicTariff() Tariff {
	return Tariff{
		Code:       "basic",
		Name:       "Базовый",
		NameEN:     "Basic",
		Coverage:   []string{"Двигатель", "Коробка передач (КПП)"},
		CoverageEN: []string{"Engine", "Gearbox"},
		Terms:      []int{12, 24, 36},
		Rules: PriceRules{
			BasePrices: map[int]Kopecks{12: 24_900_00, 24: 39_900_00, 36: 52_900_00},
			AgeBands: []Band{
				{UpTo: 3, Coefficient: 10000},
				{UpTo: 5, Coefficient: 11000},
				{UpTo: 7, Coefficient: 12500},
				{UpTo: 10, Coefficient: 14500},
			},
			MileageBands: []Band{
				{UpTo: 50_000, Coefficient: 10000},
				{UpTo: 100_000, Coefficient: 11000},
				{UpTo: 150_000, Coefficient: 12500},
				{UpTo: 200_000, Coefficient: 14500},
			},
			PowerBands: standardPowerBands(),
			CategoryCoefficients: map[VehicleCategory]Coefficient{
				CategoryNew: 9000, CategoryUsed: 10000, CategoryParallelImport: 12000,
			},
			Options:       []Option{roadsideOption(), tyresOption()},
			MaxDiscountBP: 1500,
		},
		Eligibility: Eligibility{
			MaxAgeYears:       10,
			MaxMileageKm:      200_000,
			ExcludedMakes:     exoticMakes(),
			AllowedCategories: []VehicleCategory{CategoryNew, CategoryUsed, CategoryParallelImport},
		},
	}
}

func optimalTariff() Tariff {
	return Tariff{
		Code:   "optimal",
		Name:   "Оптимальный",
		NameEN: "Optimal",
		Coverage: []string{
			"Двигатель", "Коробка передач (КПП)", "Раздаточная коробка", "Рулевое управление", "Тормозная система",
		},
		CoverageEN: []string{"Engine", "Gearbox", "Transfer case", "Steering", "Brake system"},
		Terms:      []int{12, 24, 36},
		Rules: PriceRules{
			BasePrices: map[int]Kopecks{12: 34_900_00, 24: 56_900_00, 36: 74_900_00},
			AgeBands: []Band{
				{UpTo: 2, Coefficient: 10000},
				{UpTo: 4, Coefficient: 11000},
				{UpTo: 7, Coefficient: 12500},
			},
			MileageBands: []Band{
				{UpTo: 30_000, Coefficient: 10000},
				{UpTo: 60_000, Coefficient: 11000},
				{UpTo: 100_000, Coefficient: 12000},
				{UpTo: 150_000, Coefficient: 13500},
			},
			PowerBands: standardPowerBands(),
			CategoryCoefficients: map[VehicleCategory]Coefficient{
				CategoryNew: 9000, CategoryUsed: 10000, CategoryParallelImport: 12000,
			},
			Options:       []Option{roadsideOption(), replacementCarOption(), tyresOption()},
			MaxDiscountBP: 1500,
		},
		Eligibility: Eligibility{
			MaxAgeYears:       7,
			MaxMileageKm:      150_000,
			ExcludedMakes:     exoticMakes(),
			AllowedCategories: []VehicleCategory{CategoryNew, CategoryUsed, CategoryParallelImport},
		},
	}
}

func premiumTariff() Tariff {
	return Tariff{
		Code:   "premium",
		Name:   "Премиум",
		NameEN: "Premium",
		Coverage: []string{
			"Двигатель", "Коробка передач (КПП)", "Раздаточная коробка", "Рулевое управление", "Тормозная система",
			"Электрооборудование", "Кондиционер", "Подвеска", "Топливная система",
		},
		CoverageEN: []string{
			"Engine", "Gearbox", "Transfer case", "Steering", "Brake system",
			"Electrical equipment", "Air conditioning", "Suspension", "Fuel system",
		},
		Terms: []int{12, 24, 36},
		Rules: PriceRules{
			BasePrices: map[int]Kopecks{12: 47_900_00, 24: 74_900_00, 36: 98_900_00},
			AgeBands: []Band{
				{UpTo: 1, Coefficient: 10000},
				{UpTo: 3, Coefficient: 11000},
				{UpTo: 5, Coefficient: 12000},
			},
			MileageBands: []Band{
				{UpTo: 20_000, Coefficient: 10000},
				{UpTo: 50_000, Coefficient: 11000},
				{UpTo: 100_000, Coefficient: 12500},
			},
			PowerBands: standardPowerBands(),
			CategoryCoefficients: map[VehicleCategory]Coefficient{
				CategoryNew: 9000, CategoryUsed: 10000,
			},
			Options:       []Option{roadsideOption(), replacementCarOption(), tyresOption()},
			MaxDiscountBP: 1500,
		},
		Eligibility: Eligibility{
			MaxAgeYears:       5,
			MaxMileageKm:      100_000,
			ExcludedMakes:     exoticMakes(),
			AllowedCategories: []VehicleCategory{CategoryNew, CategoryUsed},
		},
	}
}
