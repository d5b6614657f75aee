package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"karso.ru/prm/temporalcodec"
	"karso.ru/prm/testenv"
	"karso.ru/prm/workflows"
)

// uiOrigin is the dev server UI's origin, allowed by TEMPORAL_UI_ORIGINS' default.
const uiOrigin = "http://127.0.0.1:8233"

// codecCall posts payloads to the codec endpoint the way the Temporal UI does: protobuf JSON,
// X-Namespace, and the Origin of the UI.
func (s *session) codecCall(op string, payloads []*commonpb.Payload, origin string) response {
	s.t.Helper()
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: payloads})
	if err != nil {
		s.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", baseURL+"/api/v1/codec/"+op, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return response{Status: resp.StatusCode, Body: buf.Bytes(), Header: resp.Header}
}

func payloadsOf(t *testing.T, r response) []*commonpb.Payload {
	t.Helper()
	var out commonpb.Payloads
	if err := protojson.Unmarshal(r.Body, &out); err != nil {
		t.Fatalf("decode codec answer %s: %v", r.Body, err)
	}
	return out.Payloads
}

func plainPayload(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCodecEndpointOpensPayloadsForAdminsOnly: an admin's session encodes and decodes through
// the endpoint the Temporal UI calls; every other role is refused, and so is a caller with no
// session — and the refusal still carries the CORS headers, so the UI can tell why.
func TestCodecEndpointOpensPayloadsForAdminsOnly(t *testing.T) {
	admin := login(t, "admin@karso.test")
	secret := plainPayload(t, map[string]string{"full_name": "Петрова Анна Викторовна"})

	r := admin.codecCall("encode", []*commonpb.Payload{secret}, uiOrigin)
	expectStatus(t, r, http.StatusOK)
	sealed := payloadsOf(t, r)
	if len(sealed) != 1 || string(sealed[0].Metadata[converter.MetadataEncoding]) != temporalcodec.Encoding ||
		bytes.Contains(sealed[0].Data, []byte("Петрова")) {
		t.Fatalf("encode answered %s", r.Body)
	}
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != uiOrigin || r.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS on the admin's answer: origin %q credentials %q", got, r.Header.Get("Access-Control-Allow-Credentials"))
	}
	// what the API sealed, the workers' key ring opens: one key ring for every client
	var fromAPI map[string]string
	if err := testenv.DataConverter().FromPayload(sealed[0], &fromAPI); err != nil || fromAPI["full_name"] != "Петрова Анна Викторовна" {
		t.Fatalf("the test key ring opens the API's payload as %v, %v", fromAPI, err)
	}

	r = admin.codecCall("decode", sealed, uiOrigin)
	expectStatus(t, r, http.StatusOK)
	if opened := payloadsOf(t, r); len(opened) != 1 || !proto.Equal(opened[0], secret) {
		t.Fatalf("decode answered %s", r.Body)
	}
	// the bearer token works too: `temporal workflow show --codec-auth "Bearer …"`
	expectStatus(t, admin.bearer().codecCall("decode", sealed, ""), http.StatusOK)

	for _, who := range []string{"dealer", "manager", "finance"} {
		r := login(t, who+"@karso.test").codecCall("decode", sealed, uiOrigin)
		if r.Status != http.StatusForbidden || r.problem(t).Code != "forbidden" || bytes.Contains(r.Body, []byte("Петрова")) {
			t.Errorf("%s: %d %s, want 403 forbidden", who, r.Status, r.Body)
		}
	}
	r = anonymous(t).codecCall("decode", sealed, uiOrigin)
	expectStatus(t, r, http.StatusUnauthorized)
	if r.Header.Get("Access-Control-Allow-Origin") != uiOrigin {
		t.Errorf("a refusal without CORS headers reaches the UI as a network error: %v", r.Header)
	}
}

// TestCodecEndpointCORS: the browser's preflight from the Temporal UI learns that it may POST
// with the cookie; any other origin is refused before a session is even looked at.
func TestCodecEndpointCORS(t *testing.T) {
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", baseURL+"/api/v1/codec/decode", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, origin := range []string{"http://127.0.0.1:8233", "http://localhost:8233"} {
		resp := preflight(origin)
		h := resp.Header
		if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != origin ||
			h.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "X-Namespace") ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") {
			t.Errorf("preflight from %s: %d %v", origin, resp.StatusCode, h)
		}
	}
	resp := preflight("https://evil.example")
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from a foreign origin: %d %v", resp.StatusCode, resp.Header)
	}
	// an admin's cookie sent from a foreign page opens nothing
	admin := login(t, "admin@karso.test")
	sealed := payloadsOf(t, admin.codecCall("encode", []*commonpb.Payload{plainPayload(t, "x")}, ""))
	r := admin.codecCall("decode", sealed, "https://evil.example")
	if r.Status != http.StatusForbidden || r.problem(t).Code != "origin_not_allowed" {
		t.Errorf("decode from a foreign origin: %d %s", r.Status, r.Body)
	}
}

// TestCodecEndpointNamesWhatItCannotOpen: a payload changed in Temporal's store, or sealed
// with a key PAYLOAD_KEYS no longer holds, answers 400 with the reason; a body that is not
// Payloads JSON answers 400 too (the codec-server protocol).
func TestCodecEndpointNamesWhatItCannotOpen(t *testing.T) {
	admin := login(t, "admin@karso.test")
	sealed := payloadsOf(t, admin.codecCall("encode", []*commonpb.Payload{plainPayload(t, "Петрова")}, ""))[0]

	tampered := proto.Clone(sealed).(*commonpb.Payload)
	tampered.Data[len(tampered.Data)-1] ^= 1
	r := admin.codecCall("decode", []*commonpb.Payload{tampered}, "")
	if r.Status != http.StatusBadRequest || r.problem(t).Code != "payload_codec_failed" || !strings.Contains(string(r.Body), "authenticate") {
		t.Errorf("tampered: %d %s", r.Status, r.Body)
	}
	retired, err := temporalcodec.NewKey("k-retired")
	if err != nil {
		t.Fatal(err)
	}
	oldCodec, _ := temporalcodec.New([]temporalcodec.Key{retired})
	old, _ := oldCodec.Encode([]*commonpb.Payload{plainPayload(t, "Петрова")})
	admin.lang = "en"
	r = admin.codecCall("decode", old, "")
	if r.Status != http.StatusBadRequest || !strings.Contains(r.problem(t).Message, `"k-retired"`) {
		t.Errorf("unknown key: %d %s", r.Status, r.Body)
	}
	expectStatus(t, admin.do("POST", "/api/v1/codec/decode", "not json"), http.StatusBadRequest)
	expectStatus(t, admin.do("POST", "/api/v1/codec/decode", ""), http.StatusBadRequest)
	// payloads of no codec of ours (a plaintext history) come back as they are
	plain := plainPayload(t, "открыто")
	r = admin.codecCall("decode", []*commonpb.Payload{plain}, "")
	if got := payloadsOf(t, r); r.Status != http.StatusOK || len(got) != 1 || !proto.Equal(got[0], plain) {
		t.Errorf("plaintext: %d %s", r.Status, r.Body)
	}
}

// TestSaleHistoryInTemporalIsEncrypted sells a warranty on the real dev server and reads the
// sale's history as Temporal stores it (a client without keys, like `temporal workflow show`):
// every payload is binary/encrypted and the customer's name, phone and e-mail appear nowhere in
// the raw history; the codec endpoint opens the same payloads for an admin.
func TestSaleHistoryInTemporalIsEncrypted(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "used")
	submitted := dealer.sale("POST", "/api/v1/sales/"+sale.ID+"/submit", nil, http.StatusOK)
	if submitted.Status != "awaiting_payment" {
		t.Fatalf("submitted: %+v", submitted)
	}

	raw, err := client.Dial(client.Options{HostPort: testCfg.TemporalAddress, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var events []*historypb.HistoryEvent
	it := raw.GetWorkflowHistory(ctx, workflows.WorkflowID(sale.ID), "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}

	customer := []string{"Иванов Сергей Петрович", "+79161234567", "s.ivanov@example.ru"}
	var sealed []*commonpb.Payload
	for _, e := range events {
		whole, err := proto.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, pii := range customer {
			if bytes.Contains(whole, []byte(pii)) {
				t.Errorf("event %d (%s) holds %q in plaintext", e.EventId, e.EventType, pii)
			}
		}
		for _, p := range codecPayloads(e.ProtoReflect()) {
			if enc := string(p.Metadata[converter.MetadataEncoding]); enc != temporalcodec.Encoding {
				t.Errorf("event %d (%s) has a %q payload: %s", e.EventId, e.EventType, enc, p.Data)
			}
			sealed = append(sealed, p)
		}
	}
	if len(sealed) < 5 {
		t.Fatalf("only %d payloads in %d events: the history does not look like a submitted sale", len(sealed), len(events))
	}

	// the admin's codec endpoint (the Temporal UI's path) opens them, and one holds the customer
	r := login(t, "admin@karso.test").codecCall("decode", sealed, uiOrigin)
	expectStatus(t, r, http.StatusOK)
	found := false
	for _, p := range payloadsOf(t, r) {
		if string(p.Metadata[converter.MetadataEncoding]) == temporalcodec.Encoding {
			t.Fatalf("a payload stayed sealed after decode")
		}
		found = found || bytes.Contains(p.Data, []byte(customer[0]))
	}
	if !found {
		t.Error("no decoded payload names the customer: the codec endpoint did not open the history")
	}
	// `temporal workflow show`, the operator's terminal: ciphertext without the codec endpoint,
	// the customer in clear with it and an admin's token (the pinned CLI speaks an older API
	// than ours, so this also proves the endpoint's JSON stays readable to it)
	admin := login(t, "admin@karso.test")
	show := func(args ...string) string {
		t.Helper()
		bin, err := testenv.TemporalBin()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, bin, append([]string{"workflow", "show", "--address", testCfg.TemporalAddress,
			"--workflow-id", workflows.WorkflowID(sale.ID), "--output", "json", "--command-timeout", "20s"}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("temporal workflow show %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	sealedB64 := base64.StdEncoding.EncodeToString([]byte(temporalcodec.Encoding))
	if out := show(); !strings.Contains(out, sealedB64) || containsDecoded(out, customer[0]) {
		t.Errorf("temporal workflow show without the codec endpoint shows no binary/encrypted payload or the customer:\n%.2000s", out)
	}
	out := show("--codec-endpoint", baseURL+"/api/v1/codec", "--codec-auth", "Bearer "+admin.token)
	if strings.Contains(out, sealedB64) || !containsDecoded(out, customer[0]) {
		t.Errorf("temporal workflow show through the codec endpoint left payloads sealed or lost the customer:\n%.2000s", out)
	}

	// and the keyed client reads the live sale as before
	if got := dealer.sale("GET", "/api/v1/sales/"+sale.ID, nil, http.StatusOK); got.Customer == nil || got.Customer.FullName != customer[0] {
		t.Errorf("the sale page lost its customer: %+v", got.Customer)
	}
}

// codecPayloads finds every Payload in a history event that went through the data converter:
// all of them except search attributes, which Temporal indexes and which are never encoded
// (and so carry no personal data).
func codecPayloads(m protoreflect.Message) []*commonpb.Payload {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		return []*commonpb.Payload{p}
	}
	if _, ok := m.Interface().(*commonpb.SearchAttributes); ok {
		return nil
	}
	var out []*commonpb.Payload
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len(); i++ {
				out = append(out, codecPayloads(v.List().Get(i).Message())...)
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				out = append(out, codecPayloads(mv.Message())...)
				return true
			})
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			out = append(out, codecPayloads(v.Message())...)
		}
		return true
	})
	return out
}

// containsDecoded says whether some payload's data in the CLI's JSON (base64) holds s.
func containsDecoded(out, s string) bool {
	var tree any
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			if d, ok := v["data"].(string); ok {
				if b, err := base64.StdEncoding.DecodeString(d); err == nil && bytes.Contains(b, []byte(s)) {
					return true
				}
			}
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(tree)
}
