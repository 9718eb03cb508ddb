package function

import (
	"regexp"
	"testing"
)

// TestNewRequestIDIsAVersion4UUID: request IDs have the form of Lambda's, a random (version 4,
// RFC 9562 variant) UUID in lowercase hex, and do not repeat.
func TestNewRequestIDIsAVersion4UUID(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if !uuid.MatchString(id) {
			t.Fatalf("request ID %q is not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("request ID %q repeated", id)
		}
		seen[id] = true
	}
}
