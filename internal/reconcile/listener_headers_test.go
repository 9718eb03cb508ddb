package reconcile

import (
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestResponseHeaderAttributesCoverTheModel: every response-header attribute the configuration
// accepts on a listener (HDR-RESP-01) sets a header here, and the table names no key the
// configuration does not know.
func TestResponseHeaderAttributesCoverTheModel(t *testing.T) {
	t.Parallel()
	known := (config.Listener{}).EffectiveAttributes()
	for key := range known {
		if strings.HasPrefix(key, "routing.http.response.") && strings.HasSuffix(key, ".header_value") {
			if _, ok := responseHeaderAttributes[key]; !ok {
				t.Errorf("listener attribute %s sets no response header", key)
			}
		}
	}
	for key := range responseHeaderAttributes {
		if _, ok := known[key]; !ok {
			t.Errorf("%s is not a listener attribute of the configuration model", key)
		}
	}
}
