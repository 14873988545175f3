package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demo = "../../testdata/demo/teams.pcap"

func TestAuditTextReport(t *testing.T) {
	code, out, errs := runCLI(t, "audit", demo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"SUMMARY", "connections", "UNEXPECTED", "DOCUMENTED vs OBSERVED", "login.microsoftonline.com [sni]", "cassandra-mi/azure-ad-login"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour codes when stdout is not a terminal")
	}
}

// TestAuditJSONContract checks the fields the issue promises.
func TestAuditJSONContract(t *testing.T) {
	code, out, errs := runCLI(t, "audit", "--format", "json", demo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	capture := r["capture"].(map[string]any)
	for _, k := range []string{"files", "packets", "bytes", "malformed", "first", "last"} {
		if _, ok := capture[k]; !ok {
			t.Errorf("capture lacks %q", k)
		}
	}
	if _, ok := r["summary"].(map[string]any); !ok {
		t.Errorf("no summary")
	}
	flows := r["flows"].([]any)
	if len(flows) == 0 {
		t.Fatal("no flows")
	}
	for _, f := range flows {
		fm := f.(map[string]any)
		for _, k := range []string{"src", "dst", "src_port", "dst_port", "proto", "conn_state", "history", "names", "verdict", "packets", "bytes", "first_seen", "last_seen", "count"} {
			if _, ok := fm[k]; !ok {
				t.Fatalf("flow lacks %q: %v", k, fm)
			}
		}
	}
	reqs := r["requirements"].([]any)
	for _, q := range reqs {
		qm := q.(map[string]any)
		for _, k := range []string{"id", "status", "flows"} {
			if _, ok := qm[k]; !ok {
				t.Fatalf("requirement lacks %q", k)
			}
		}
	}
}

func TestAuditExitCodes(t *testing.T) {
	syn := "../../testdata/captures/syn.pcap"
	if code, _, errs := runCLI(t, "audit", "--fail-on", "blocked", syn); code != 1 {
		t.Errorf("--fail-on blocked with a blocked flow: exit %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, "audit", "--fail-on", "exposure,undocumented-port", syn); code != 0 {
		t.Errorf("--fail-on without such findings: exit %d", code)
	}
	if code, _, errs := runCLI(t, "audit", "--fail-on", "bogus", syn); code != 2 || !strings.Contains(errs, `--fail-on "bogus"`) {
		t.Errorf("bad --fail-on: exit %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "audit", "../../README.md"); code != 2 || !strings.Contains(errs, "README.md: not a pcap or pcapng file") {
		t.Errorf("unreadable input: exit %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, "audit"); code != 2 {
		t.Errorf("no input: exit %d", code)
	}
	// A readable file next to an unreadable one: audited, the problem named.
	code, out, errs := runCLI(t, "audit", syn, "../../README.md")
	if code != 0 || !strings.Contains(errs, "README.md") || !strings.Contains(out, "problem:") {
		t.Errorf("one bad input of two: exit %d\n%s\n%s", code, errs, out)
	}
}

func TestAuditMarkdownToFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.md")
	code, _, errs := runCLI(t, "audit", "--format", "markdown", "-o", out, demo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## flowaudit audit", "| verdict | connections |", "### Documented vs observed"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}
