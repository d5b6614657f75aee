package workflows

import (
	"testing"

	"go.temporal.io/sdk/converter"

	"karso.ru/prm/testenv"
)

// replayDataConverter decodes the recorded payloads as the worker does: the histories recorded
// before payload encryption are plaintext, later ones are sealed with the tests' key, and the
// codec opens both.
func replayDataConverter(t *testing.T) converter.DataConverter {
	t.Helper()
	return testenv.DataConverter()
}
