package temporalcodec_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"karso.ru/prm/temporalcodec"
)

// customer is the kind of value that must never reach Temporal in plaintext.
type customer struct {
	FullName string `json:"full_name"`
	Passport string `json:"passport"`
}

var ivan = customer{FullName: "Иванов Иван Иванович", Passport: "4510 123456"}

func newKey(t *testing.T, id string) temporalcodec.Key {
	t.Helper()
	k, err := temporalcodec.NewKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newCodec(t *testing.T, ring ...temporalcodec.Key) *temporalcodec.Codec {
	t.Helper()
	c, err := temporalcodec.New(ring)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seal turns a value into the payload Temporal would store.
func seal(t *testing.T, c *temporalcodec.Codec, v any) *commonpb.Payload {
	t.Helper()
	p, err := temporalcodec.DataConverter(c).ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func open(c *temporalcodec.Codec, p *commonpb.Payload) (customer, error) {
	var got customer
	err := temporalcodec.DataConverter(c).FromPayload(p, &got)
	return got, err
}

func TestRoundTripHidesThePlaintext(t *testing.T) {
	c := newCodec(t, newKey(t, "k1"))
	p := seal(t, c, ivan)

	if enc := string(p.Metadata[converter.MetadataEncoding]); enc != temporalcodec.Encoding {
		t.Errorf("encoding %q, want %q", enc, temporalcodec.Encoding)
	}
	if id := string(p.Metadata[temporalcodec.MetadataKeyID]); id != "k1" {
		t.Errorf("key id %q, want k1", id)
	}
	for _, secret := range []string{ivan.FullName, ivan.Passport, "json/plain", "full_name"} {
		if bytes.Contains(p.Data, []byte(secret)) {
			t.Errorf("the sealed payload shows %q", secret)
		}
	}
	got, err := open(c, p)
	if err != nil || got != ivan {
		t.Fatalf("opened %+v, %v; want %+v", got, err, ivan)
	}
	// a fresh nonce each time: the same value never seals to the same bytes
	if again := seal(t, c, ivan); bytes.Equal(again.Data, p.Data) {
		t.Error("two seals of one value are identical: the nonce is reused")
	}
}

// TestRotation is the key rotation an operator does: put a new key first, keep the old one
// after it; new payloads take the new key, old ones still open, and once the old key is
// dropped its payloads fail clearly.
func TestRotation(t *testing.T) {
	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	before := newCodec(t, k1)
	old := seal(t, before, ivan)

	rotated := newCodec(t, k2, k1)
	if got, err := open(rotated, old); err != nil || got != ivan {
		t.Fatalf("the rotated ring opens an old payload as %+v, %v", got, err)
	}
	fresh := seal(t, rotated, ivan)
	if id := string(fresh.Metadata[temporalcodec.MetadataKeyID]); id != "k2" {
		t.Errorf("after rotation new payloads are sealed with %q, want k2", id)
	}
	if _, err := open(before, fresh); !errors.Is(err, temporalcodec.ErrUnknownKey) {
		t.Errorf("the old ring opening a new payload: %v, want ErrUnknownKey", err)
	}

	retired := newCodec(t, k2)
	_, err := open(retired, old)
	if !errors.Is(err, temporalcodec.ErrUnknownKey) || !strings.Contains(err.Error(), `"k1"`) {
		t.Errorf("opening a payload of a dropped key: %v, want ErrUnknownKey naming k1", err)
	}
}

func TestTamperedCiphertextFails(t *testing.T) {
	k1 := newKey(t, "k1")
	c := newCodec(t, k1, newKey(t, "k2"))
	cases := map[string]func(p *commonpb.Payload){
		"a flipped bit":       func(p *commonpb.Payload) { p.Data[len(p.Data)/2] ^= 0x01 },
		"a cut tag":           func(p *commonpb.Payload) { p.Data = p.Data[:len(p.Data)-1] },
		"only a nonce":        func(p *commonpb.Payload) { p.Data = p.Data[:12] },
		"relabelled key":      func(p *commonpb.Payload) { p.Metadata[temporalcodec.MetadataKeyID] = []byte("k2") },
		"a flipped nonce bit": func(p *commonpb.Payload) { p.Data[0] ^= 0x80 },
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			p := seal(t, c, ivan)
			tamper(p)
			if got, err := open(c, p); !errors.Is(err, temporalcodec.ErrTampered) {
				t.Errorf("opened %+v, %v; want ErrTampered", got, err)
			}
		})
	}
	// a key with the same id but another secret is as good as tampering
	impostor := newCodec(t, newKey(t, "k1"))
	if _, err := open(impostor, seal(t, c, ivan)); !errors.Is(err, temporalcodec.ErrTampered) {
		t.Errorf("another k1 opened the payload: %v", err)
	}
}

func TestUnknownKeyIDFailsClearly(t *testing.T) {
	c := newCodec(t, newKey(t, "k1"))
	p := seal(t, c, ivan)
	p.Metadata[temporalcodec.MetadataKeyID] = []byte("k9")
	_, err := open(c, p)
	if !errors.Is(err, temporalcodec.ErrUnknownKey) || !strings.Contains(err.Error(), `"k9"`) {
		t.Fatalf("got %v, want ErrUnknownKey naming k9", err)
	}
	delete(p.Metadata, temporalcodec.MetadataKeyID)
	if _, err := open(c, p); !errors.Is(err, temporalcodec.ErrUnknownKey) {
		t.Fatalf("a payload naming no key: %v, want ErrUnknownKey", err)
	}
}

// Payloads written before encryption was on (plain JSON) still read: in-flight sales keep
// working through the switch.
func TestPlaintextPayloadsPassThrough(t *testing.T) {
	plain, err := converter.GetDefaultDataConverter().ToPayload(ivan)
	if err != nil {
		t.Fatal(err)
	}
	got, err := open(newCodec(t, newKey(t, "k1")), plain)
	if err != nil || got != ivan {
		t.Fatalf("opened %+v, %v", got, err)
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2 := newKey(t, "k1"), newKey(t, "2026-03.b")
	text := temporalcodec.FormatKeys([]temporalcodec.Key{k1, k2})
	ring, err := temporalcodec.ParseKeys(" " + strings.ReplaceAll(text, ",", " , ") + " ")
	if err != nil {
		t.Fatal(err)
	}
	if len(ring) != 2 || ring[0].ID != "k1" || ring[1].ID != "2026-03.b" {
		t.Fatalf("parsed %v", ring)
	}
	// the parsed ring opens what the original keys sealed: the secrets survived the text form
	if got, err := open(newCodec(t, ring...), seal(t, newCodec(t, k2), ivan)); err != nil || got != ivan {
		t.Fatalf("parsed ring opens %+v, %v", got, err)
	}
	if ring, err := temporalcodec.ParseKeys(""); err != nil || len(ring) != 0 {
		t.Errorf("empty: %v, %v", ring, err)
	}

	b64 := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	for value, want := range map[string]string{
		"k1":                               "want id:base64key",
		"k1:not*base64":                    "not base64",
		"k1:" + b64(16):                    "16 bytes, want 32",
		"bad id:" + b64(32):                "key id",
		":" + b64(32):                      "key id",
		"k1:" + b64(32) + ",k1:" + b64(32): "appears twice",
	} {
		if _, err := temporalcodec.ParseKeys(value); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKeys(%q) = %v, want an error saying %q", value, err, want)
		}
	}
}

func TestKeyStringHidesTheSecret(t *testing.T) {
	k := newKey(t, "k1")
	secret := strings.TrimPrefix(temporalcodec.FormatKeys([]temporalcodec.Key{k}), "k1:")
	for _, s := range []string{k.String(), fmt.Sprint(k), fmt.Sprintf("%+v", []temporalcodec.Key{k}), fmt.Sprintf("%#v", k)} {
		if strings.Contains(s, secret) {
			t.Errorf("%q shows the secret", s)
		}
	}
	if _, err := temporalcodec.New(nil); err == nil {
		t.Error("a codec without keys was built")
	}
	if _, err := temporalcodec.NewKey("no spaces"); err == nil {
		t.Error("a key id with a space was accepted")
	}
}
