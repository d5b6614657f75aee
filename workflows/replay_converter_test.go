package workflows

import (
	"testing"

	"go.temporal.io/sdk/converter"
)

// replayDataConverter decodes the recorded payloads as the worker does.
func replayDataConverter(t *testing.T) converter.DataConverter {
	t.Helper()
	return converter.GetDefaultDataConverter()
}
