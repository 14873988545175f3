package catalog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/catalog"
)

// key renders a requirement the way seedRows writes one, so the two can be
// compared whole: anything missing, extra or different shows up.
func (w seedRow) key() string {
	return strings.Join([]string{w.Service, w.Section, w.Row, w.From, w.To, w.Hosts, w.Proto, w.Ports,
		fmt.Sprint(w.Dynamic), w.Flags, w.Alt}, " | ")
}

func rowOf(r *catalog.Requirement) seedRow {
	hosts := make([]string, len(r.Hosts))
	for i, h := range r.Hosts {
		hosts[i] = h.String()
	}
	flags := r.AllFlags().Names()
	slices.Sort(flags)
	return seedRow{
		Service: r.Service, Section: r.Section, Row: r.Row, From: r.From, To: r.To,
		Hosts: strings.Join(hosts, " "), Proto: r.Proto.String(), Ports: r.Ports.String(),
		Dynamic: r.Dynamic, Flags: strings.Join(flags, " "), Alt: r.Alternatives.String(),
	}
}

// TestBuiltinTranscribesEverySeedRow checks the built-in catalogs against
// seedRows, the list of requirements written by reading the documents.
func TestBuiltinTranscribesEverySeedRow(t *testing.T) {
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, w := range seedRows {
		want[w.key()]++
	}
	got := map[string]int{}
	where := map[string]string{}
	for _, r := range cat.Requirements {
		k := rowOf(r).key()
		got[k]++
		where[k] += " " + r.ID
	}
	var missing, extra []string
	for k, n := range want {
		if got[k] < n {
			missing = append(missing, k)
		}
	}
	for k, n := range got {
		if want[k] < n {
			extra = append(extra, k+"  <-"+where[k])
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	for _, k := range missing {
		t.Errorf("document row not in the catalog (or different):\n  %s", k)
	}
	for _, k := range extra {
		t.Errorf("catalog requirement no document row accounts for:\n  %s", k)
	}
}

// TestBuiltinSourcesExist ties each built-in catalog to its seed document,
// and each requirement's section to a heading that document really has.
func TestBuiltinSourcesExist(t *testing.T) {
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, s := range cat.Services {
		ids = append(ids, s.ID)
		doc, err := os.ReadFile(filepath.Join("..", "testdata", "seeds", s.Source.File))
		if err != nil {
			t.Fatalf("%s: source document: %v", s.ID, err)
		}
		text := string(doc)
		if !strings.Contains(text, s.Source.Title) {
			t.Errorf("%s: source title %q is not in %s", s.ID, s.Source.Title, s.Source.File)
		}
		for _, r := range s.Requirements {
			if !strings.Contains(text, r.Section) {
				t.Errorf("%s: section %q is not in %s", r.ID, r.Section, s.Source.File)
			}
			if r.Row != "" && !strings.Contains(text, r.Row) {
				t.Errorf("%s: row %q is not in %s", r.ID, r.Row, s.Source.File)
			}
		}
	}
	if want := []string{"azure-sphere", "cassandra-mi", "configmgr", "office365", "windows-azure"}; !slices.Equal(ids, want) {
		t.Errorf("built-in services = %v, want %v", ids, want)
	}
}
