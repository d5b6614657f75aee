package workflows_test

import (
	"testing"
	"time"

	"karso.ru/prm/workflows"
)

func TestOnlyActorsSealedForTheSaleAreAccepted(t *testing.T) {
	previous := workflows.SetActorSealKeys([][]byte{[]byte("the worker's actor seal key.....")})
	defer workflows.SetActorSealKeys(previous)
	saleID := saleInput().SaleID
	h := newHarness(t)
	h.at(0, "open", workflows.UpdateOpen, dealer)
	forged := vehicle("used")
	h.at(time.Minute, "unsealed", workflows.UpdateVehicle, forged)
	other := vehicle("used")
	other.Actor = workflows.SealActor("0195f3a2-0000-7b9a-9d41-5c2b8e6f1a07", dealer)
	h.at(2*time.Minute, "sealed for another sale", workflows.UpdateVehicle, other)
	sealed := vehicle("used")
	sealed.Actor = workflows.SealActor(saleID, dealer)
	h.at(3*time.Minute, "sealed", workflows.UpdateVehicle, sealed)
	h.end(time.Hour)
	h.run()

	for _, label := range []string{"unsealed", "sealed for another sale"} {
		if r := h.results[label]; errorType(r.rejected) != workflows.ErrTypeForbidden {
			t.Errorf("%s: %+v", label, r)
		}
	}
	if s := h.ok("sealed"); s.Vehicle == nil {
		t.Errorf("the sealed step was not saved: %+v", s)
	}
}
