package api

import (
	"reflect"
	"testing"

	"karso.ru/prm/workflows"
)

func TestEveryUpdateArgumentIsSealed(t *testing.T) {
	previous := workflows.SetActorSealKeys([][]byte{[]byte("test key of thirty-two bytes....")})
	defer workflows.SetActorSealKeys(previous)
	args := []any{workflows.Actor{}, workflows.VehicleStep{}, workflows.CustomerStep{}, workflows.TariffStep{},
		workflows.Decision{}, workflows.UpsellRequest{}, workflows.TariffChangeRequest{}, workflows.CancelRequest{},
		workflows.MarkPaidInput{}, workflows.RetryPaymentInput{}}
	for _, arg := range args {
		v := reflect.ValueOf(sealed("0195f3a2-7c1e-7b9a-9d41-5c2b8e6f1a07", arg))
		if a, ok := v.Interface().(workflows.Actor); ok {
			if a.Seal == "" {
				t.Errorf("an Actor argument is not sealed")
			}
			continue
		}
		if f := v.FieldByName("Actor"); !f.IsValid() || f.Interface().(workflows.Actor).Seal == "" {
			t.Errorf("%T: its actor is not sealed", arg)
		}
	}
}
