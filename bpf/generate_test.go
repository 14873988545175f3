package bpf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesCurrent regenerates the bpf2go output into a temporary
// directory with gen.go's own command line and compares it with the
// committed files: a change to flow.c without `make generate` fails here.
// It needs clang (scripts/install-test-deps installs it); without clang it
// is skipped, or fails when FLOWAUDIT_REQUIRE_PRIVILEGED=1 (CI).
func TestGeneratedFilesCurrent(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		if os.Getenv("FLOWAUDIT_REQUIRE_PRIVILEGED") == "1" {
			t.Fatalf("clang not installed (scripts/install-test-deps): cannot check the generated eBPF objects")
		}
		t.Skip("clang not installed: cannot check the generated eBPF objects")
	}
	src, err := os.ReadFile("gen.go")
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "//go:generate go tool bpf2go "); ok {
			args = splitQuoted(rest)
		}
	}
	if args == nil {
		t.Fatal("no go:generate bpf2go line in gen.go")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", append([]string{"tool", "bpf2go", "-output-dir", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GOPACKAGE=bpf", "GOFILE=gen.go")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bpf2go: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("bpf2go wrote nothing")
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Base(f))
		if err != nil {
			t.Errorf("%s is not committed: run make generate", filepath.Base(f))
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate and commit the result", filepath.Base(f))
		}
	}
}

// splitQuoted splits a command line on spaces, keeping "quoted strings"
// whole.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				out = append(out, cur.String())
				cur.Reset()
				any = false
			}
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}
