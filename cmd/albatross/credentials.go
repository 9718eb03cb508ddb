package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// credentialsEnv is read when --api-credentials is not given, so that the secret need not
// appear in the process list.
const credentialsEnv = "ALBATROSS_API_CREDENTIALS"

// readCredentials reads the API credentials of --api-credentials: "ID:SECRET", "@FILE" holding
// that, or, when s is empty, $ALBATROSS_API_CREDENTIALS. Nothing at all returns empty strings:
// the API is unsigned.
func readCredentials(s string) (id, secret string, err error) {
	if s == "" {
		s = os.Getenv(credentialsEnv)
	}
	if s == "" {
		return "", "", nil
	}
	if path, ok := strings.CutPrefix(s, "@"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", "", fmt.Errorf("--api-credentials: %w", err)
		}
		s = strings.TrimSpace(string(data))
	}
	id, secret, ok := strings.Cut(s, ":")
	if !ok || id == "" || secret == "" {
		return "", "", errors.New("--api-credentials must be ACCESS_KEY_ID:SECRET_ACCESS_KEY or @FILE holding that")
	}
	return id, secret, nil
}
