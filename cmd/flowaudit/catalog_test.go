package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCatalogList(t *testing.T) {
	code, out, errs := runCLI(t, "catalog", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"SERVICE", "configmgr", "003_e1193c574d545350.txt", "cassandra-mi", "windows-azure", "office365", "azure-sphere"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "catalog", "list", "--catalog", "../../testdata/catalogs/acme-agent.yaml", "--site", "../../testdata/site-example.yaml")
	if code != 0 || !strings.Contains(out, "acme-agent") {
		t.Errorf("exit %d, list with user catalog and site:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "catalog", "list", "--no-builtin", "--catalog", "../../testdata/catalogs/acme-agent.yaml")
	if code != 2 {
		t.Errorf("a user catalog naming built-in roles without the built-ins: exit %d\n%s", code, out)
	}
}

func TestCatalogShow(t *testing.T) {
	code, out, errs := runCLI(t, "catalog", "show", "configmgr")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"client-to-management-point-http", "management-point", "configurable", "Client -- > Point de gestion", "dynamic", "alternative"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q", want)
		}
	}
	if code, _, errs := runCLI(t, "catalog", "show", "sccm"); code != 2 || !strings.Contains(errs, `unknown service "sccm"`) {
		t.Errorf("unknown service: exit %d, %s", code, errs)
	}
}

func TestCatalogValidate(t *testing.T) {
	code, out, errs := runCLI(t, "catalog", "validate", "../../testdata/catalogs/acme-agent.yaml")
	if code != 0 || !strings.Contains(out, "acme-agent.yaml: ok") {
		t.Fatalf("good file: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = runCLI(t, "catalog", "validate", "../../testdata/catalogs/bad.yaml")
	if code != 1 {
		t.Fatalf("bad file: exit %d, want 1\n%s", code, errs)
	}
	for _, want := range []string{
		"bad.yaml:14: requirements[0].ports[0]: 70000 is out of range; want a port 1-65535 or a range [first, last]",
		`bad.yaml:15: requirements[1].id: duplicate requirement id "bad/one" (first defined on line 8)`,
		"bad.yaml:29: requirements[2].colour: unknown field; allowed here: id, section, row, summary,",
		"bad.yaml:28: requirements[2].ports[0]: range [64000, 63000] is reversed; write [63000, 64000]",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("validate output lacks %q:\n%s", want, errs)
		}
	}
	if code, _, errs := runCLI(t, "catalog", "validate", "no-such-file.yaml"); code != 1 || !strings.Contains(errs, "no-such-file.yaml: cannot read: no such file or directory") {
		t.Errorf("missing file: exit %d\n%s", code, errs)
	}
}

func TestCatalogExportJSON(t *testing.T) {
	code, out, errs := runCLI(t, "catalog", "export", "--format", "json", "--site", "../../testdata/site-example.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Requirements []map[string]any `json:"requirements"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Requirements) < 200 {
		t.Fatalf("only %d requirements", len(doc.Requirements))
	}
	byID := map[string]map[string]any{}
	for _, r := range doc.Requirements {
		for _, k := range []string{"id", "service", "section", "from", "to", "hosts", "proto", "ports", "dynamic", "flags"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("requirement %v lacks %q", r["id"], k)
			}
		}
		byID[r["id"].(string)] = r
	}
	mc := byID["configmgr/client-to-multicast-distribution-point-multicast"]
	if mc == nil {
		t.Fatal("multicast requirement missing")
	}
	if got, _ := json.Marshal(mc["ports"]); string(got) != "[[63000,64000]]" {
		t.Errorf("multicast ports = %s", got)
	}
	if got, _ := json.Marshal(byID["configmgr/client-to-software-update-point-https"]["ports"]); string(got) != "[8531]" {
		t.Errorf("WSUS HTTPS after the site's choice of 8530 = %s", got)
	}
	if got, _ := json.Marshal(byID["cassandra-mi/key-vault"]["hosts"]); string(got) != `["vmc-p-westeurope.vault.azure.net"]` {
		t.Errorf("key vault hosts = %s", got)
	}
	code, _, _ = runCLI(t, "catalog", "export", "--format", "yaml", "--no-builtin", "--catalog", "../../testdata/catalogs/acme-agent.yaml")
	if code != 2 {
		t.Errorf("export of a catalog with unresolved roles: exit %d", code)
	}
	code, out, _ = runCLI(t, "catalog", "export", "--format", "yaml")
	if code != 0 || !strings.Contains(out, "- id: configmgr/client-to-management-point-http") || !strings.Contains(out, "ports: [80]") {
		t.Errorf("yaml export: exit %d\n%.400s", code, out)
	}
	if code, _, _ := runCLI(t, "catalog", "export", "--format", "xml"); code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
}
