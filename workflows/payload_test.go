package workflows

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
)

// updateGolden rewrites testdata/payloads; run `go test ./workflows -run Payload -update-golden`
// only when a payload is meant to change (and then think of the sales in flight).
var updateGolden = flag.Bool("update-golden", false, "rewrite the golden payload files")

// crossingTemporal lists every type that crosses Temporal: workflow inputs and results,
// update, signal and query arguments. Activity parameters and results are found from the
// methods of *activities.Activities, so a new activity cannot be forgotten.
func crossingTemporal() []reflect.Type {
	types := []reflect.Type{
		reflect.TypeFor[SaleInput](), reflect.TypeFor[SaleState](), reflect.TypeFor[Actor](),
		reflect.TypeFor[VehicleStep](), reflect.TypeFor[CustomerStep](), reflect.TypeFor[TariffStep](),
		reflect.TypeFor[Decision](), reflect.TypeFor[MarkPaidInput](), reflect.TypeFor[RetryPaymentInput](),
		reflect.TypeFor[UpsellRequest](), reflect.TypeFor[TariffChangeRequest](), reflect.TypeFor[CancelRequest](),
		reflect.TypeFor[payments.Outcome](), reflect.TypeFor[ClosingInput](), reflect.TypeFor[ClosingResult](),
		reflect.TypeFor[activities.PartnerClosing](), reflect.TypeFor[SaleContinuation](),
		reflect.TypeFor[NewsInput](), reflect.TypeFor[NewsResult](),
	}
	acts := reflect.TypeFor[*activities.Activities]()
	ctxType := reflect.TypeFor[interface{ Done() <-chan struct{} }]()
	for i := range acts.NumMethod() {
		m := acts.Method(i).Type
		for j := 1; j < m.NumIn(); j++ { // 0 is the receiver
			if in := m.In(j); !in.Implements(ctxType) {
				types = append(types, in)
			}
		}
		for j := range m.NumOut() {
			if out := m.Out(j); out != reflect.TypeFor[error]() {
				types = append(types, out)
			}
		}
	}
	return types
}

// TestPayloadFieldsAreTagged fails when a struct field that crosses Temporal has no JSON tag:
// renaming such a field would silently decode as empty when an old history replays.
func TestPayloadFieldsAreTagged(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var untagged []string
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			if typ.Kind() == reflect.Map {
				walk(typ.Key())
			}
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() == "time" || !strings.HasPrefix(typ.PkgPath(), "karso.ru/") {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			// an embedded struct is flattened into its parent; its own fields are checked
			if _, ok := f.Tag.Lookup("json"); !ok && !f.Anonymous {
				untagged = append(untagged, typ.String()+"."+f.Name)
			}
			walk(f.Type)
		}
	}
	for _, typ := range crossingTemporal() {
		walk(typ)
	}
	if len(untagged) > 0 {
		t.Fatalf("fields crossing Temporal without a json tag:\n%s", strings.Join(untagged, "\n"))
	}
}

// TestPayloadGolden encodes a filled-in value of every type that crosses Temporal and compares
// it with testdata/payloads: a changed tag, a removed field or a changed type fails here
// before it fails a sale in flight.
func TestPayloadGolden(t *testing.T) {
	for _, typ := range crossingTemporal() {
		name := strings.NewReplacer("*", "", "[]", "list_of_", ".", "_").Replace(typ.String())
		path := filepath.Join("testdata", "payloads", name+".json")
		v := reflect.New(typ).Elem()
		fill(v, typ.Name(), 0)
		got, err := json.MarshalIndent(v.Interface(), "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		got = append(got, '\n')
		if *updateGolden {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: no golden file %s (run with -update-golden once the type is new): %v", typ, path, err)
		}
		if string(want) != string(got) {
			t.Errorf("%s encodes differently from %s — an old history would not decode the same.\nwant:\n%s\ngot:\n%s", typ, path, want, got)
		}
		// and it decodes back to the same value
		back := reflect.New(typ)
		if err := json.Unmarshal(want, back.Interface()); err != nil {
			t.Errorf("%s: golden does not decode: %v", typ, err)
		} else if again, _ := json.MarshalIndent(back.Elem().Interface(), "", "  "); string(again)+"\n" != string(want) {
			t.Errorf("%s: golden does not survive a round trip:\n%s", typ, again)
		}
	}
}

// fill gives every field a value derived from its path, so that the golden file names every
// field and a swapped pair of tags shows.
func fill(v reflect.Value, path string, depth int) {
	if depth > 6 {
		return
	}
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 3, 31, 20, 50, 0, 0, time.UTC).Add(time.Duration(len(path)) * time.Minute)))
		return
	case reflect.TypeFor[time.Duration]():
		v.SetInt(int64(len(path)) * int64(time.Hour))
		return
	case reflect.TypeFor[uuid.UUID]():
		v.Set(reflect.ValueOf(uuid.NewSHA1(uuid.NameSpaceOID, []byte(path))))
		return
	case reflect.TypeFor[json.RawMessage]():
		// embedded JSON must be a JSON document: its path as a JSON string
		v.SetBytes([]byte(strconv.Quote(path)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(len(path)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(len(path) % 200))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(len(path)) / 4)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), path, depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), path+"[0]", depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, path+".key", depth+1)
		e := reflect.New(v.Type().Elem()).Elem()
		if v.Type().Elem().Kind() != reflect.Interface {
			fill(e, path+".value", depth+1)
		} else {
			e.Set(reflect.ValueOf(path + ".value"))
		}
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf(path))
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				fill(v.Field(i), fmt.Sprintf("%s.%s", path, f.Name), depth+1)
			}
		}
	}
}
