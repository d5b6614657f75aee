package temporalcodec

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// Key is one key of the ring: an id that goes into each sealed payload's metadata, and a
// 256-bit secret. Its String method hides the secret, so a key that reaches a log is harmless.
type Key struct {
	ID     string
	secret []byte
}

// String names the key without its secret.
func (k Key) String() string { return "payload key " + k.ID }

// keyID is what an id may hold: it is stored in every payload, so keep it short and plain.
var keyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// NewKey makes a key with a fresh random secret.
func NewKey(id string) (Key, error) {
	if !keyID.MatchString(id) {
		return Key{}, fmt.Errorf("key id %q: use 1–64 letters, digits, '.', '_' or '-'", id)
	}
	secret := make([]byte, KeySize)
	if _, err := rand.Read(secret); err != nil {
		return Key{}, err
	}
	return Key{ID: id, secret: secret}, nil
}

// ParseKeys reads a key ring written as `id1:base64key,id2:base64key` (standard base64 of 32
// bytes, as `head -c 32 /dev/urandom | base64` or `karso payload-key` prints). The first key
// seals new payloads; every key opens. An empty string is an empty ring.
func ParseKeys(s string) ([]Key, error) {
	var ring []Key
	seen := map[string]bool{}
	for i, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		id, b64, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("entry %d: want id:base64key", i+1)
		}
		if !keyID.MatchString(id) {
			return nil, fmt.Errorf("entry %d: key id %q: use 1–64 letters, digits, '.', '_' or '-'", i+1, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("entry %d: key id %q appears twice", i+1, id)
		}
		seen[id] = true
		secret, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("key %q: not base64: %w", id, err)
		}
		if len(secret) != KeySize {
			return nil, fmt.Errorf("key %q: %d bytes, want %d (AES-256)", id, len(secret), KeySize)
		}
		ring = append(ring, Key{ID: id, secret: secret})
	}
	return ring, nil
}

// FormatKeys writes a key ring in the PAYLOAD_KEYS form that ParseKeys reads.
func FormatKeys(ring []Key) string {
	parts := make([]string, len(ring))
	for i, k := range ring {
		parts[i] = k.ID + ":" + base64.StdEncoding.EncodeToString(k.secret)
	}
	return strings.Join(parts, ",")
}

// GoString hides the secret from %#v too.
func (k Key) GoString() string { return "temporalcodec.Key{ID: " + strconv.Quote(k.ID) + "}" }

// ActorSealKeys derives, from each payload key, the key the API seals actors with
// (workflows.SetActorSealKeys): one secret to keep and rotate, two uses kept apart by the label.
func ActorSealKeys(ring []Key) [][]byte {
	keys := make([][]byte, 0, len(ring))
	for _, k := range ring {
		m := hmac.New(sha256.New, k.secret)
		m.Write([]byte("karso actor seal v1"))
		keys = append(keys, m.Sum(nil))
	}
	return keys
}
