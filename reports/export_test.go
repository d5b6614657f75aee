package reports

// SetMonthFigures turns the monthly rollup off (or on again) for a test that compares its
// figures with those read from the sales.
func SetMonthFigures(on bool) { useMonthFigures = on }
