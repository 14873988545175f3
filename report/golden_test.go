package report

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowaudit/flowaudit/classify"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt with the reports made now")

// testCapture is what every test report says was read.
var testCapture = Capture{Files: []string{"test.pcap"}, Packets: 1234, Bytes: 567890,
	First: time.Unix(1_741_000_000, 0).UTC(), Last: time.Unix(1_741_000_100, 0).UTC()}

// reports renders r in every format, by name.
func reports(t *testing.T, r *Report) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range []Format{FormatJSON, FormatText, FormatMarkdown} {
		var b bytes.Buffer
		if err := r.Write(&b, Options{Format: f, MaxShown: 1 << 20}); err != nil {
			t.Fatal(err)
		}
		out[string(f)] = b.Bytes()
	}
	return out
}

// goldenCase collects flows one way and builds the report.
type goldenCase struct {
	name    string
	collect func(m *classify.Matcher, flows []classified) *Collector
}

var goldenCases = []goldenCase{
	{"one", func(m *classify.Matcher, flows []classified) *Collector {
		c := NewCollector(m)
		for _, x := range flows {
			c.Add(x.f, x.r)
		}
		return c
	}},
	// As a pipeline of three workers does: each worker's collector merged
	// into a fresh one.
	{"merged", func(m *classify.Matcher, flows []classified) *Collector {
		parts := []*Collector{NewCollector(m), NewCollector(m), NewCollector(m)}
		for i, x := range flows {
			parts[int(x.f.First/1e6+int64(i))%3].Add(x.f, x.r)
		}
		all := NewCollector(m)
		for _, p := range parts {
			all.Merge(p)
		}
		return all
	}},
}

// TestReportsUnchanged pins the reports made from the test captures and
// generated flows, in every format, collected by one collector and by
// several merged: the report is a contract, and speed work on the
// collector and the renderers must not change a byte of it. After a
// deliberate change: go test ./report -run TestReportsUnchanged -update.
func TestReportsUnchanged(t *testing.T) {
	golden := filepath.Join("testdata", "golden.txt")
	want := map[string]string{}
	if data, err := os.ReadFile(golden); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if k, v, ok := strings.Cut(line, " "); ok {
				want[k] = v
			}
		}
	} else if !*update {
		t.Fatal(err)
	}
	var lines []string
	for _, withSite := range []bool{false, true} {
		m, site := testMatcher(t, withSite)
		flows := append(captureFlows(t, m), syntheticFlows(t, m, 4000, 1)...)
		for _, gc := range goldenCases {
			r := gc.collect(m, flows).Build(testCapture, site)
			for format, b := range reports(t, r) {
				name := fmt.Sprintf("%s-site=%v-%s", gc.name, withSite, format)
				got := fmt.Sprintf("%x", sha256.Sum256(b))
				lines = append(lines, name+" "+got)
				if !*update && got != want[name] {
					dump := filepath.Join(os.TempDir(), "flowaudit-report-"+name)
					os.WriteFile(dump, b, 0o644) // for diffing; best effort
					t.Errorf("%s: report changed (sha256 %s, want %s); it is in %s", name, got, want[name], dump)
				}
			}
		}
	}
	if *update {
		slices.Sort(lines)
		if err := os.WriteFile(golden, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
