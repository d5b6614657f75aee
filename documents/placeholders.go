package documents

import (
	"reflect"
	"time"

	"karso.ru/prm/warranty"
)

// Placeholder is one field a kind's template may print, as the template editor lists it.
type Placeholder struct {
	// Path is the placeholder as written in a template: "{{.Vehicle.VIN}}".
	Path string `json:"path"`
	// Description says what it is, in Russian.
	Description string `json:"description"`
}

// fieldDocs describe the fields of types this package does not own.
var fieldDocs = map[reflect.Type]map[string]string{
	reflect.TypeFor[warranty.Vehicle](): {
		"VIN": "VIN", "Make": "марка", "Model": "модель", "Year": "год выпуска",
		"MileageKm": "пробег, км ({{number …}})", "EnginePowerHP": "мощность, л. с.",
		"EngineVolumeCC": "объём двигателя, см³", "Category": "категория ({{category …}} — «с пробегом»)",
		"SoldOn":  "дата продажи автомобиля клиенту ({{date …}})",
		"MakeID":  "номер марки в каталоге (0 — марка введена вручную)",
		"ModelID": "номер модели в каталоге (0 — модель введена вручную)",
	},
	reflect.TypeFor[warranty.Customer](): {
		"FullName": "ФИО", "Phone": "телефон", "Email": "e-mail", "BirthDate": "дата рождения ({{date …}})",
		"PassportSeries": "серия паспорта", "PassportNumber": "номер паспорта",
	},
}

// leafTypes print as a whole rather than field by field.
var leafTypes = map[reflect.Type]bool{
	reflect.TypeFor[time.Time](): true,
	reflect.TypeFor[List]():      true,
}

// Placeholders lists every field the templates of kind may print, walking its data type so
// that the list the editor shows can never drift from what Render accepts. Lists of records
// (options, lines) are shown with the fields of one item, to be used inside {{range}}.
func Placeholders(kind string) []Placeholder {
	data := SampleData(kind)
	if data == nil {
		return nil
	}
	var out []Placeholder
	walkFields(reflect.TypeOf(data), "", &out)
	return out
}

func walkFields(t reflect.Type, prefix string, out *[]Placeholder) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		path := prefix + "." + f.Name
		desc := f.Tag.Get("doc")
		if desc == "" {
			desc = fieldDocs[t][f.Name]
		}
		*out = append(*out, Placeholder{Path: "{{" + path + "}}", Description: desc})
		ft := f.Type
		switch {
		case leafTypes[ft]:
		case ft.Kind() == reflect.Struct:
			walkFields(ft, path, out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			walkFields(ft.Elem(), "", out) // inside {{range}} a field is {{.Name}}
		}
	}
}
