package runtimes

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// scripts holds the shipped bootstrap programs; they use only their language's standard library.
//
//go:embed bootstrap/nodejs.mjs bootstrap/python.py
var scripts embed.FS

// bootstrapScript is one embedded bootstrap program.
type bootstrapScript struct {
	name        string // file name inside bootstrap/; keeps the extension the interpreter needs
	handlerForm string // how the handler is written, for error messages
}

var (
	nodeBootstrap   = bootstrapScript{name: "nodejs.mjs", handlerForm: "file.export, e.g. index.handler"}
	pythonBootstrap = bootstrapScript{name: "python.py", handlerForm: "module.function, e.g. lambda_function.lambda_handler"}
)

// install writes the script into cacheDir once and returns its path. The folder is named by the
// content's hash, so an upgraded Albatross never runs an older copy, concurrent installs write
// identical bytes, and an existing copy is reused as long as it is intact. The write goes to a
// temporary name and is renamed into place, so an interpreter never reads half a file.
func (s bootstrapScript) install(cacheDir string) (string, error) {
	if cacheDir == "" {
		return "", fmt.Errorf("no cache directory for the %s bootstrap", s.name)
	}
	content, err := scripts.ReadFile("bootstrap/" + s.name)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(content)
	dir := filepath.Join(cacheDir, "runtimes", hex.EncodeToString(sum[:8]))
	path := filepath.Join(dir, s.name)
	if existing, err := os.ReadFile(path); err == nil && bytes.Equal(existing, content) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "."+s.name+"-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, nil
}
