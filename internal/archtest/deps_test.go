// Package archtest keeps the architecture of docs/architecture.md true: every package of the
// module has an allow-list of the module's packages it may import (a package it does not know
// fails, so a new or renamed package cannot slip past); data-plane packages never import the
// configuration, state, control API or reconcile packages; runtimeapi and process do not import
// each other (function joins them); test kits are imported by tests only. It also checks that
// every spec ID cited resolves in docs/spec.md.
package archtest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/albatross-lb/albatross/"

// allowed is, for every package of the module (path below the module), the packages of the module
// it may import, besides the standard library and third-party modules. Keep it exact: an import
// that is no longer made is an error too, so the list always reads as the real graph.
var allowed = map[string][]string{
	"cmd/albatross": {"internal/cluster", "internal/config", "internal/controlapi", "internal/controlapi/elbv2", "internal/controlapi/lambda", "internal/explain", "internal/function/codedir", "internal/gcfloor", "internal/importer", "internal/importer/bundle", "internal/importer/values", "internal/observe", "internal/observe/dashboard", "internal/process", "internal/reconcile", "internal/sandbox", "internal/state", "internal/targetgroup"},

	// Control side: configuration, desired state, the control API, the translator.
	"internal/config":            {"internal/compare", "internal/rule"},
	"internal/config/file":       {"internal/config", "internal/tlsconf"},
	"internal/state":             {"internal/config"},
	"internal/cluster":           {"internal/shift", "internal/state"},
	"internal/controlapi":        {},
	"internal/controlapi/elbv2":  {"internal/config", "internal/controlapi", "internal/state", "internal/tlsconf"},
	"internal/controlapi/lambda": {"internal/config", "internal/controlapi", "internal/function", "internal/function/codedir", "internal/state"},
	"internal/reconcile":         {"internal/action", "internal/auth", "internal/compare", "internal/config", "internal/elberr", "internal/forwarded", "internal/function", "internal/function/build", "internal/function/runtimes", "internal/health", "internal/httptarget", "internal/lambdatarget", "internal/listener", "internal/observe", "internal/observe/dashboard", "internal/observe/otel", "internal/observe/s3upload", "internal/router", "internal/rule", "internal/shadow", "internal/shift", "internal/targetgroup", "internal/tlsconf"},
	"internal/explain": {"internal/action", "internal/config", "internal/reconcile", "internal/router", "internal/rule",
		"internal/lambdatarget"},

	// Data plane, request path: listener → router → rule, action → target group → target.
	"internal/listener":     {"internal/elberr", "internal/forwarded", "internal/h1/server", "internal/h1/wire", "internal/observe", "internal/tlsconf"},
	"internal/h1/server":    {"internal/elberr", "internal/h1/sock", "internal/h1/wire"},
	"internal/router":       {"internal/action", "internal/elberr", "internal/forwarded", "internal/h1/wire", "internal/observe", "internal/rule", "internal/tlsconf"},
	"internal/rule":         {},
	"internal/action":       {"internal/elberr", "internal/observe", "internal/stickiness"},
	"internal/targetgroup":  {"internal/elberr", "internal/health", "internal/observe", "internal/stickiness"},
	"internal/stickiness":   {},
	"internal/health":       {"internal/observe"},
	"internal/httptarget":   {"internal/elberr", "internal/h1/client", "internal/h1/wire", "internal/observe"},
	"internal/lambdatarget": {"internal/elberr", "internal/function", "internal/health", "internal/observe"},
	"internal/forwarded":    {},
	"internal/elberr":       {},
	"internal/tlsconf":      {},

	// The process's garbage-collector pacing (docs/engine.md).
	"internal/gcfloor": {},

	// Albatross's own strangler kit (docs/strangler.md): shadow traffic and its comparison.
	"internal/compare": {},
	"internal/shadow":  {"internal/compare", "internal/elberr", "internal/observe"},
	"internal/shift":   {"internal/elberr", "internal/observe"},

	// Data plane, functions: function joins the Runtime API and the process supervisor.
	"internal/function":          {"internal/function/watch", "internal/observe", "internal/process", "internal/runtimeapi"},
	"internal/function/build":    {},
	"internal/function/runtimes": {},
	"internal/runtimeapi":        {"internal/h1/server"},
	"internal/process":           {"internal/sandbox"},
	"internal/sandbox":           {"internal/sandbox/launcher"},
	"internal/sandbox/launcher":  {},

	// Observability.
	"internal/observe":           {"internal/tlsconf"},
	"internal/observe/dashboard": {},
	"internal/observe/otel":      {"internal/observe"},
	"internal/observe/s3upload":  {"internal/observe"},

	// The dashboard's browser tests drive Chromium with it (test-only).
	"internal/observe/dashboard/headless": {},

	// Test-only packages.
	"internal/archtest":                {},
	"internal/testkit":                 {},
	"internal/tlsconf/tlstest":         {},
	"internal/auth":                    {"internal/action", "internal/elberr", "internal/observe"},
	"internal/auth/authtest":           {},
	"internal/importer/yamlsrc":        {},
	"internal/importer":                {"internal/config", "internal/config/file", "internal/importer/bundle", "internal/importer/cloudformation", "internal/importer/serverless", "internal/importer/terraform", "internal/importer/values", "internal/importer/yamlsrc"},
	"internal/importer/terraform":      {"internal/config", "internal/importer/lambdacode", "internal/importer/values"},
	"internal/importer/lambdacode":     {},
	"internal/importer/serverless":     {"internal/config", "internal/importer/cloudformation", "internal/importer/lambdacode", "internal/importer/values", "internal/importer/yamlsrc"},
	"internal/function/codedir":        {},
	"internal/h1/wire":                 {"internal/elberr"},
	"internal/h1/client":               {"internal/elberr", "internal/h1/sock", "internal/h1/wire"},
	"internal/h1/sock":                 {},
	"internal/function/watch":          {},
	"internal/importer/lambdart":       {"internal/config"},
	"internal/importer/values":         {},
	"internal/importer/bundle":         {"internal/config", "internal/importer/lambdacode", "internal/importer/values"},
	"internal/importer/cloudformation": {"internal/config", "internal/importer/lambdart", "internal/importer/values", "internal/importer/yamlsrc"},
}

// dataPlane packages serve traffic from plain Go values; controlSide packages produce them.
var (
	dataPlane = []string{
		"internal/listener", "internal/router", "internal/rule", "internal/action", "internal/targetgroup",
		"internal/health", "internal/httptarget", "internal/lambdatarget", "internal/forwarded", "internal/elberr",
		"internal/tlsconf", "internal/stickiness", "internal/function", "internal/function/build", "internal/function/runtimes",
		"internal/runtimeapi", "internal/process", "internal/observe", "internal/observe/dashboard",
		"internal/observe/otel", "internal/observe/s3upload", "internal/compare", "internal/shadow", "internal/shift",
	}
	controlSide = []string{"internal/config", "internal/config/file", "internal/state", "internal/cluster", "internal/controlapi",
		"internal/controlapi/elbv2", "internal/controlapi/lambda", "internal/reconcile", "internal/explain"}
	// testOnly packages may be imported by tests only.
	testOnly = []string{"internal/testkit", "internal/tlsconf/tlstest", "internal/archtest", "internal/observe/dashboard/headless"}
)

// pkg is one package of the module as go list sees it.
type pkg struct {
	imports, testImports []string // of the module, below it
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-f",
		`{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`,
		"../../internal/...", "../../cmd/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	ours := func(list string) []string {
		var out []string
		for _, p := range strings.Fields(list) {
			if rest, ok := strings.CutPrefix(p, module); ok {
				out = append(out, rest)
			}
		}
		return out
	}
	pkgs := map[string]pkg{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "|", 3)
		pkgs[strings.TrimPrefix(f[0], module)] = pkg{imports: ours(f[1]), testImports: ours(f[2])}
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// TestImportAllowList: every package is in the allow-list, imports only what its entry allows,
// and every entry is still imported; entries name existing packages.
func TestImportAllowList(t *testing.T) {
	pkgs := listPackages(t)
	for name, p := range pkgs {
		allow, ok := allowed[name]
		if !ok {
			t.Errorf("%s is not in the allow-list of internal/archtest/deps_test.go; after checking its imports follow docs/architecture.md, add:\n\t%q: {%s},",
				name, name, quoted(p.imports))
			continue
		}
		for _, imp := range p.imports {
			if !slices.Contains(allow, imp) {
				t.Errorf("%s imports %s, which its allow-list does not permit; if docs/architecture.md allows it, make the entry:\n\t%q: {%s},",
					name, imp, name, quoted(p.imports))
			}
		}
		for _, a := range allow {
			if !slices.Contains(p.imports, a) {
				t.Errorf("%s no longer imports %s: drop it from its allow-list", name, a)
			}
		}
	}
	for name := range allowed {
		if _, ok := pkgs[name]; !ok {
			t.Errorf("the allow-list names %s, which does not exist (renamed or moved?): update the entry", name)
		}
	}
}

// TestLayering: the allow-list itself keeps the layering, so widening an entry cannot dodge it.
func TestLayering(t *testing.T) {
	t.Parallel()
	for _, p := range dataPlane {
		for _, imp := range allowed[p] {
			if slices.Contains(controlSide, imp) {
				t.Errorf("data-plane package %s may not import control-side package %s: take plain values or a small interface instead", p, imp)
			}
		}
	}
	if slices.Contains(allowed["internal/runtimeapi"], "internal/process") || slices.Contains(allowed["internal/process"], "internal/runtimeapi") {
		t.Error("runtimeapi and process must not import each other: function joins them")
	}
	for name, allow := range allowed {
		for _, imp := range allow {
			if slices.Contains(testOnly, imp) {
				t.Errorf("%s may not import the test-only package %s", name, imp)
			}
		}
	}
	for _, p := range slices.Concat(dataPlane, controlSide, testOnly) {
		if _, ok := allowed[p]; !ok {
			t.Errorf("%s is classified but has no allow-list entry", p)
		}
	}
}

// TestTestOnlyPackages: tests may import anything of the module; production code never imports a
// test kit (checked on the real graph too, in case the allow-list is wrong).
func TestTestOnlyPackages(t *testing.T) {
	for name, p := range listPackages(t) {
		for _, imp := range p.imports {
			if slices.Contains(testOnly, imp) {
				t.Errorf("%s imports the test-only package %s outside its tests", name, imp)
			}
		}
	}
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ", ")
}
