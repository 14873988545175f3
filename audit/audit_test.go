package audit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/catalog"
)

func builtin(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// captures lists the capture files under a directory.
func captures(t *testing.T, dir string) []string {
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".pcap") || strings.HasSuffix(p, ".pcapng") || strings.HasSuffix(p, ".gz")) {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// TestEveryCaptureAuditedOrRefused runs every capture we have, malformed
// ones included, through the audit: none may panic, and each is either
// audited or refused with a message naming the file.
func TestEveryCaptureAuditedOrRefused(t *testing.T) {
	cat := builtin(t)
	files := captures(t, filepath.Join("..", "testdata"))
	files = append(files, captures(t, filepath.Join("..", "classify"))...)
	shared := filepath.Join("..", "..", "shared", "pcaps")
	if _, err := os.Stat(shared); err == nil {
		files = append(files, captures(t, shared)...)
	} else {
		t.Logf("%s absent: the shared corpus is not audited here", shared)
	}
	// Inputs that are not captures at all.
	dir := t.TempDir()
	for name, data := range map[string]string{"zero-bytes.pcap": "", "not-a-capture.pcap": "<html>404</html>\n"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	if len(files) < 30 {
		t.Fatalf("only %d captures found", len(files))
	}
	audited, refused := 0, 0
	for _, f := range files {
		var problems []string
		r, err := Run(Options{Files: []string{f}, Catalog: cat, Problem: func(p *capture.Problem) {
			problems = append(problems, p.Error())
		}})
		switch {
		case err == nil:
			audited++
			if r.Capture.Packets == 0 && len(r.Capture.Problems) == 0 && r.Summary.Connections != 0 {
				t.Errorf("%s: connections without packets", f)
			}
		case errors.Is(err, ErrNothingRead):
			refused++
			if len(problems) == 0 || !strings.Contains(problems[0], filepath.Base(f)) {
				t.Errorf("%s refused without a message naming it: %v", f, problems)
			}
		default:
			t.Errorf("%s: %v", f, err)
		}
		for _, p := range problems {
			if !strings.Contains(p, filepath.Base(f)) {
				t.Errorf("%s: problem does not name the file: %s", f, p)
			}
		}
	}
	t.Logf("%d captures audited, %d refused", audited, refused)
	if refused < 2 || audited == 0 {
		t.Errorf("audited %d, refused %d: want the two non-captures refused", audited, refused)
	}
}

// TestDamagedCaptureKeepsWhatIsValid: a capture with a corrupt record is
// still audited, with the problem counted and reported.
func TestDamagedCaptureKeepsWhatIsValid(t *testing.T) {
	cat := builtin(t)
	data, err := os.ReadFile(filepath.Join("..", "testdata", "captures", "mssql_tds.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, data[:len(data)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Run(Options{Files: []string{cut}, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Capture.Problems) != 1 || !strings.Contains(r.Capture.Problems[0], "cut.pcap: packet ") {
		t.Errorf("problems %v", r.Capture.Problems)
	}
	if r.Capture.Packets == 0 || r.Summary.Connections == 0 {
		t.Errorf("nothing kept: %+v", r.Capture)
	}
}

// TestMergedFiles: several files in one run, merged in time order.
func TestMergedFiles(t *testing.T) {
	cat := builtin(t)
	a := filepath.Join("..", "testdata", "captures", "syn.pcap")
	b := filepath.Join("..", "testdata", "captures", "syn-then-rst.pcap")
	r, err := Run(Options{Files: []string{a, b}, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Connections != 2 || r.Summary.Verdicts["blocked"] != 2 || len(r.Capture.Files) != 2 {
		t.Errorf("summary %+v", r.Summary)
	}
}
