package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseService: user catalogs are untrusted input; no file may panic
// the loader, and a file that loads must export cleanly.
func FuzzParseService(f *testing.F) {
	files, _ := filepath.Glob("builtin/*.yaml")
	more, _ := filepath.Glob("../testdata/catalogs/*.yaml")
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("service: {id: a, title: t, source: {file: f, title: t}}\nrequirements:\n  - {id: a/b, section: s, summary: s, from: internal, to: internet, proto: tcp, ports: [[1, 2]], hosts: ['<x>y.*']}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseService("fuzz.yaml", data)
		if err != nil {
			return
		}
		c, err := Build([]*Service{s})
		if err != nil {
			return
		}
		c.ExportEffective(c.Effective(nil))
	})
}

// FuzzHostPattern: a pattern that parses never panics on Match, and an
// exact pattern matches its own text.
func FuzzHostPattern(f *testing.F) {
	for _, s := range []string{"*.blob.core.windows.net", "snovap<region>.blob.core.windows.net", "<server name>.database.windows.net", "a.b", "x<a>y<b>z.c"} {
		f.Add(s, "snovapwest.blob.core.windows.net")
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		p, err := ParseHostPattern(pattern)
		if err != nil {
			return
		}
		p.Match(name)
		if p.IsExact() && !p.Match(p.String()) {
			t.Errorf("exact pattern %q does not match itself", p)
		}
	})
}
