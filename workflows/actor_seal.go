package workflows

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"sync"
)

// An update names the person it acts for (Actor), and the workflow's role checks read it.
// Anyone who reaches Temporal's frontend could write any actor into an update, so the API
// seals the actor for the one sale it acts on with a key the worker also holds, and the
// validators refuse an actor whose seal does not match. Validators do not run on replay, so
// keys may rotate freely: a seal is checked once, when its update arrives.

var actorSeal struct {
	sync.RWMutex
	keys [][]byte
}

// SetActorSealKeys gives the worker (and the API) the keys actors are sealed with: the first
// seals, every one opens. Without keys actors are taken as sent (PAYLOAD_ENCRYPTION=off on a
// developer's machine). It answers the keys it replaced.
func SetActorSealKeys(keys [][]byte) (previous [][]byte) {
	actorSeal.Lock()
	defer actorSeal.Unlock()
	previous, actorSeal.keys = actorSeal.keys, keys
	return previous
}

// SealActor returns the actor with its seal for the sale's workflow.
func SealActor(saleID string, a Actor) Actor {
	actorSeal.RLock()
	defer actorSeal.RUnlock()
	a.Seal = ""
	if len(actorSeal.keys) > 0 {
		a.Seal = actorMAC(actorSeal.keys[0], saleID, a)
	}
	return a
}

// actorAuthentic says whether the actor was sealed by the API for this sale.
func actorAuthentic(saleID string, a Actor) bool {
	actorSeal.RLock()
	defer actorSeal.RUnlock()
	if len(actorSeal.keys) == 0 {
		return true
	}
	for _, k := range actorSeal.keys {
		if hmac.Equal([]byte(actorMAC(k, saleID, a)), []byte(a.Seal)) {
			return true
		}
	}
	return false
}

func actorMAC(key []byte, saleID string, a Actor) string {
	m := hmac.New(sha256.New, key)
	for _, part := range []string{"karso-actor-v1", saleID, strconv.FormatInt(a.ID, 10), a.Role, a.Name} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkActor is the first check of every validator that reads an actor.
func (s *sale) checkActor(a Actor) error {
	if !actorAuthentic(s.ID, a) {
		return forbidden()
	}
	return nil
}
