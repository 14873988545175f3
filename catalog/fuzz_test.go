package catalog

import (
	"os"
	"path/filepath"
	"strings"
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
	// Several holes in a label, and one-label names for the differential check.
	f.Add("p<a>m<b>s.example.com", "pxmmms")
	f.Add("<a>ab<b>ab<c>", "xabababy")
	f.Add("<a>0<b>0<c>0<d>x", "00000000x")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		p, err := ParseHostPattern(pattern)
		if err != nil {
			return
		}
		p.Match(name)
		if p.IsExact() && !p.Match(p.String()) {
			t.Errorf("exact pattern %q does not match itself", p)
		}
		// Each label pattern against the name, as one label, agrees with
		// trying every length of every hole (kept short: that is
		// exponential in the holes).
		if len(name) <= 24 {
			for _, lp := range p.labels {
				if got, want := lp.match(name), matchPartsEveryLength(lp.parts, name); got != want {
					t.Errorf("label %q of %q: match(%q) = %v, trying every hole length: %v", lp.parts, p, name, got, want)
				}
			}
		}
	})
}

// matchPartsEveryLength is the plain definition matchParts must agree with:
// the first part, then each hole of one or more characters tried at every
// length, each part case-insensitively, nothing after the last part.
func matchPartsEveryLength(parts []string, s string) bool {
	if len(s) < len(parts[0]) || !strings.EqualFold(s[:len(parts[0])], parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	if len(parts) == 1 {
		return s == ""
	}
	for n := 1; n <= len(s); n++ {
		if matchPartsEveryLength(parts[1:], s[n:]) {
			return true
		}
	}
	return false
}
