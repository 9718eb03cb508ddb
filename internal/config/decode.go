package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decode reads one YAML configuration document from r, strictly: a key the model does not know
// is an error that names its line (a typo must never be silently
// ignored). An empty document is a valid, empty configuration. Decode does not validate; call
// Validate on the result.
func Decode(r io.Reader) (*Config, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	cfg := &Config{}
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil
		}
		return nil, decodeError(err)
	}
	// A second document would be silently ignored by a plain decoder; refuse it instead.
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return cfg, nil
	case err != nil:
		return nil, decodeError(err)
	default:
		return nil, fmt.Errorf("config: line %d: only one YAML document is allowed", extra.Line)
	}
}

// Parse decodes a configuration held in memory; see Decode.
func Parse(data []byte) (*Config, error) {
	return Decode(bytes.NewReader(data))
}

// DecodeError is a YAML syntax or shape error. Lines keeps yaml's messages, each of which starts
// with "line N:", one per offending key.
type DecodeError struct {
	Lines []string
}

// Error lists every decode problem, one per line, under a "config:" heading.
func (e *DecodeError) Error() string {
	var b bytes.Buffer
	b.WriteString("config: invalid YAML")
	for _, l := range e.Lines {
		b.WriteString("\n  ")
		b.WriteString(l)
	}
	return b.String()
}

// decodeError keeps yaml's per-key messages (they carry the line numbers) in a DecodeError.
func decodeError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return &DecodeError{Lines: append([]string(nil), te.Errors...)}
	}
	// Syntax errors read "yaml: line 3: ..."; drop the prefix so that they read "line 3: ...".
	return &DecodeError{Lines: []string{strings.TrimPrefix(err.Error(), "yaml: ")}}
}
