package config_test

import (
	"slices"
	"strings"
	"testing"

	"karso.ru/prm/config"
)

// A malformed payload setting stops the process naming the variable, like every other setting.
func TestPayloadSettingsFailByName(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"PAYLOAD_KEYS", "k1", "PAYLOAD_KEYS: entry 1: want id:base64key"},
		{"PAYLOAD_KEYS", "k1:c2hvcnQ=", "PAYLOAD_KEYS: key \"k1\": 5 bytes, want 32"},
		{"PAYLOAD_ENCRYPTION", "maybe", "PAYLOAD_ENCRYPTION"},
		{"TEMPORAL_WORKER_VERSIONING", "sometimes", "TEMPORAL_WORKER_VERSIONING"},
		{"TEMPORAL_WORKER_SET_CURRENT", "2", "TEMPORAL_WORKER_SET_CURRENT"},
		{"RISK_NEW_MAX_MILEAGE_KM", "1 000", "RISK_NEW_MAX_MILEAGE_KM"},
		{"RISK_USED_MAX_KM_PER_YEAR", "-5", "RISK_USED_MAX_KM_PER_YEAR"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			if _, err := config.Load(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Load() = %v, want an error starting %q", err, tc.want)
			}
		})
	}
	t.Run("off with keys", func(t *testing.T) {
		t.Setenv("PAYLOAD_ENCRYPTION", "off")
		t.Setenv("PAYLOAD_KEYS", "k1:"+strings.Repeat("A", 43)+"=")
		if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "PAYLOAD_KEYS holds keys") {
			t.Errorf("Load() = %v: encryption off and keys set at once must be refused", err)
		}
	})
}

func TestPayloadAndVersioningDefaults(t *testing.T) {
	for _, name := range []string{"PAYLOAD_ENCRYPTION", "TEMPORAL_WORKER_VERSIONING", "TEMPORAL_WORKER_SET_CURRENT",
		"TEMPORAL_DEPLOYMENT_NAME", "TEMPORAL_UI_ORIGINS"} {
		t.Setenv(name, "") // empty is unset: the default applies
	}
	t.Setenv("PAYLOAD_KEYS", "k2:"+strings.Repeat("A", 43)+"=, k1:"+strings.Repeat("B", 43)+"=")
	c, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.PayloadKeys) != 2 || c.PayloadKeys[0].ID != "k2" || c.PayloadEncryptionOff {
		t.Errorf("keys %v, off %v", c.PayloadKeys, c.PayloadEncryptionOff)
	}
	if !c.TemporalWorkerVersioning || !c.TemporalWorkerSetCurrent || c.TemporalDeploymentName != "karso" {
		t.Errorf("versioning defaults: %v %v %q", c.TemporalWorkerVersioning, c.TemporalWorkerSetCurrent, c.TemporalDeploymentName)
	}
	if !slices.Equal(c.TemporalUIOrigins, []string{"http://127.0.0.1:8233", "http://localhost:8233"}) {
		t.Errorf("UI origins %v", c.TemporalUIOrigins)
	}
	t.Setenv("TEMPORAL_UI_ORIGINS", "https://temporal.karso.ru, ")
	if c, _ := config.Load(); !slices.Equal(c.TemporalUIOrigins, []string{"https://temporal.karso.ru"}) {
		t.Errorf("UI origins %v", c.TemporalUIOrigins)
	}
}

func TestMileageRiskLimitsAreRead(t *testing.T) {
	t.Setenv("PAYLOAD_KEYS", "k1:"+strings.Repeat("A", 43)+"=")
	t.Setenv("RISK_NEW_MAX_MILEAGE_KM", "2500")
	t.Setenv("RISK_USED_MIN_KM_PER_YEAR", "")
	t.Setenv("RISK_USED_MAX_KM_PER_YEAR", "40000")
	c, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Risk.NewMaxMileageKm != 2500 || c.Risk.UsedMinKmPerYear != 0 || c.Risk.UsedMaxKmPerYear != 40000 {
		t.Errorf("risk %+v", c.Risk)
	}
}
