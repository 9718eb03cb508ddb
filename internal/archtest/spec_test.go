package archtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// specPage is where every cited behaviour ID resolves (docs/spec.md).
const specPage = "../../docs/spec.md"

// citation finds the IDs code and docs cite: behaviours (RUL-01, LST-05b, HDR-TRACE-03,
// ERR-BODY), sections of the data-plane study (§10.3, §12.9; not "RFC 9110 §7.6.1"), wire-contract
// sections (A.6, B.5, C.3) and test vectors (T26).
var citation = regexp.MustCompile(`(?:^|[^\w.-])([A-Z][A-Z0-9]{1,4}(?:-[A-Z]{2,5})?-[0-9]{2}[a-z]?|ERR-BODY)(?:$|[^\w-])` +
	`|(RFC \d+ )?§ ?([0-9]+(?:\.[0-9]+)*)` +
	`|(?:^|[^\w.])([ABC]\.[0-9]+)(?:$|[^\w.])` +
	`|(?:^|[^\w-])(T[0-9]{1,2})(?:$|\W)`)

// defined are the IDs the spec page defines: list entries "- **ID** …" and test-vector rows.
var defined = regexp.MustCompile(`(?m)^- \*\*([^*]+)\*\*|^\| (T\d+) \|`)

// TestSpecIDsResolve: every ID a Go file or a page of the repository cites is defined in
// docs/spec.md, so that a "why" comment can be followed from inside the repository.
func TestSpecIDsResolve(t *testing.T) {
	page, err := os.ReadFile(specPage)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range defined.FindAllStringSubmatch(string(page), -1) {
		known[m[1]+m[2]] = true
	}
	if len(known) < 200 {
		t.Fatalf("%s defines only %d IDs", specPage, len(known))
	}
	missing := map[string][]string{}
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != "../.." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if (!strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".md")) || path == specPage {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, id := range cited(line) {
				if !known[id] {
					missing[id] = append(missing[id], path+":"+strconv.Itoa(i+1))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(missing))
	for id := range missing {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		t.Errorf("%s is cited but %s does not define it; add \"- **%s** <statement>. *Source:* <AWS source>.\" (cited at %s)",
			id, "docs/spec.md", id, strings.Join(missing[id], ", "))
	}
}

// cited returns the IDs cited on line.
func cited(line string) []string {
	if !mayCite(line) {
		return nil
	}
	var out []string
	for _, m := range citation.FindAllStringSubmatch(line, -1) {
		switch {
		case m[1] != "":
			out = append(out, m[1])
		case m[3] != "" && m[2] == "": // "RFC 9110 §7.6.1" is not ours
			out = append(out, "§"+m[3])
		case m[4] != "":
			out = append(out, m[4])
		case m[5] != "":
			out = append(out, m[5])
		}
	}
	return out
}

// mayCite is a cheap necessary condition for a citation on line: every form citation matches
// holds "§", "ERR-BODY", or a digit right after "-" (RUL-01), "T" (T26) or "A."/"B."/"C." (B.5).
// Most lines of the repository hold none, and running the regexp on all of them took a minute of
// the suite under -race on a loaded 2-core machine.
func mayCite(line string) bool {
	if strings.Contains(line, "§") || strings.Contains(line, "ERR-BODY") {
		return true
	}
	for i := 1; i < len(line); i++ {
		if line[i] < '0' || line[i] > '9' {
			continue
		}
		switch line[i-1] {
		case '-', 'T':
			return true
		case '.':
			if i >= 2 && line[i-2] >= 'A' && line[i-2] <= 'C' {
				return true
			}
		}
	}
	return false
}

// TestCited: what counts as a citation, and what does not.
func TestCited(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, line string
		want       []string
	}{
		{desc: "behaviour IDs", line: "// RUL-01 and LST-05b; HDR-TRACE-03, ERR-BODY.", want: []string{"RUL-01", "LST-05b", "HDR-TRACE-03", "ERR-BODY"}},
		{desc: "sections", line: "// §10.3 (and § 12.9)", want: []string{"§10.3", "§12.9"}},
		{desc: "RFC sections are not ours", line: "// RFC 9110 §7.6.1", want: nil},
		{desc: "wire contracts and vectors", line: "// A.6, B.5; T26", want: []string{"A.6", "B.5", "T26"}},
		{desc: "not citations", line: `x := "UTF-8"; v1.2.3; a.B.1; SHA-256; T2T; go1.26`, want: nil},
		// One form per line, so that each path through mayCite is taken alone.
		{desc: "an ID alone", line: "// see LST-05b", want: []string{"LST-05b"}},
		{desc: "ERR-BODY alone", line: "ERR-BODY", want: []string{"ERR-BODY"}},
		{desc: "a section alone", line: "§ 12.9", want: []string{"§12.9"}},
		{desc: "a wire contract alone", line: "(C.3)", want: []string{"C.3"}},
		{desc: "a vector alone", line: "T7", want: []string{"T7"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := cited(tc.line); !slices.Equal(got, tc.want) {
				t.Errorf("cited(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}
