// Package temporalcodec encrypts every payload Karso hands to Temporal — workflow inputs and
// results, activity arguments, updates, signals and queries, which carry customers' names,
// phones and passports — so Temporal's store holds ciphertext only (152-ФЗ keeps the personal
// data in our own processes).
//
// A payload is sealed with AES-256-GCM under the first key of a key ring; its metadata says
// `encoding: binary/encrypted` and names the key (`encryption-key-id`), so a later key ring
// whose first key is new still opens every payload sealed under an older key. The same codec
// runs in every Temporal client (API and worker) and behind the codec endpoint the Temporal UI
// calls (api/codec.go).
package temporalcodec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

const (
	// Encoding is the metadata encoding of a sealed payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key a payload was sealed with.
	MetadataKeyID = "encryption-key-id"
)

var (
	// ErrUnknownKey means a payload names a key the key ring does not hold: a key was removed
	// from PAYLOAD_KEYS while payloads sealed with it are still in Temporal.
	ErrUnknownKey = errors.New("payload sealed with a key that PAYLOAD_KEYS does not hold")
	// ErrTampered means the ciphertext does not authenticate under its key: it was changed, cut
	// or sealed under another key with the same id.
	ErrTampered = errors.New("payload ciphertext does not authenticate")
)

// Codec seals payloads with the key ring's first key and opens payloads sealed with any of its
// keys. It is safe for concurrent use.
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New builds the codec of a key ring; the first key seals. A ring needs at least one key.
func New(ring []Key) (*Codec, error) {
	if len(ring) == 0 {
		return nil, errors.New("payload codec: no keys")
	}
	c := &Codec{current: ring[0].ID, aeads: make(map[string]cipher.AEAD, len(ring))}
	for _, k := range ring {
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("payload codec: key id %q appears twice", k.ID)
		}
		block, err := aes.NewCipher(k.secret)
		if err != nil {
			return nil, fmt.Errorf("payload codec: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("payload codec: key %q: %w", k.ID, err)
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// CurrentKeyID is the id of the key new payloads are sealed with.
func (c *Codec) CurrentKeyID() string { return c.current }

// Encode seals each payload whole (its own metadata included, so not even its encoding shows).
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("seal payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("seal payload: %w", err)
		}
		// the key id is authenticated too, so a payload cannot be relabelled to another key
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode opens every sealed payload and passes any other payload through unchanged: histories
// written before encryption was turned on (and payloads of other codecs' encodings) still read.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		opened, err := c.open(p)
		if err != nil {
			return payloads, err
		}
		out[i] = opened
	}
	return out, nil
}

func (c *Codec) open(p *commonpb.Payload) (*commonpb.Payload, error) {
	id := string(p.GetMetadata()[MetadataKeyID])
	aead, ok := c.aeads[id]
	if !ok {
		return nil, fmt.Errorf("open payload: key id %q: %w", id, ErrUnknownKey)
	}
	data := p.GetData()
	if len(data) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("open payload: key id %q: too short: %w", id, ErrTampered)
	}
	nonce, sealed := data[:aead.NonceSize()], data[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, sealed, []byte(id))
	if err != nil {
		return nil, fmt.Errorf("open payload: key id %q: %w", id, ErrTampered)
	}
	var out commonpb.Payload
	if err := proto.Unmarshal(plain, &out); err != nil {
		return nil, fmt.Errorf("open payload: key id %q: %w", id, err)
	}
	return &out, nil
}

// DataConverter is Temporal's default converter (JSON and the rest) with the codec wrapped
// around it.
func DataConverter(c *Codec) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter seals failures too: an error's message and stack trace (an activity error
// can quote a customer's value) travel as an encrypted payload, not as plain history text.
func FailureConverter(c *Codec) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: DataConverter(c), EncodeCommonAttributes: true})
}

// WithCodec sets the data and failure converters of Temporal client options: what every Karso
// Temporal client (API, worker, tests) is built with. Workers take them from their client.
func WithCodec(opts client.Options, c *Codec) client.Options {
	opts.DataConverter = DataConverter(c)
	opts.FailureConverter = FailureConverter(c)
	return opts
}
