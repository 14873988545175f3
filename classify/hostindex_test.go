package classify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/catalog"
)

// indexTestPatterns are the built-in catalog's host patterns and shapes
// it does not have: placeholders in the last labels, a dot inside a
// placeholder, one label with and without a wildcard, last labels too
// long to be filed.
func indexTestPatterns(t testing.TB) []catalog.HostPattern {
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []catalog.HostPattern
	for _, e := range Compile(cat, nil).Effective {
		out = append(out, e.Hosts...)
	}
	for _, s := range []string{"<tenant>.sharepoint.com", "snovap<region>.blob.core.windows.net", "host.<zone>",
		"<server name>.database.windows.net", "<a.b>.c", "x.<y>.z", "localhost", "*.com", "*.Example.ORG", "<any>",
		"*." + strings.Repeat("q", 300) + ".net"} {
		h, err := catalog.ParseHostPattern(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		out = append(out, h)
	}
	return out
}

// indexTestNames are names to fit: each pattern made concrete, and names
// that differ from them in case, a trailing dot, a label more or less,
// non-ASCII letters that Unicode folds to ASCII, and length.
func indexTestNames(patterns []catalog.HostPattern) []string {
	var out []string
	for _, p := range patterns {
		s := strings.NewReplacer("*", "a", "<", "", ">", "", " ", "").Replace(p.String())
		out = append(out, s, strings.ToUpper(s), s+".", "x."+s, s[strings.IndexByte(s, '.')+1:])
	}
	return append(out, "", ".", "..", "com", "a.com", "localhost.", "LOCALHOST", "\u212aey.example.org",
		"login.microsoftonline.\u212a", "login.micro\u017foftonline.com", strings.Repeat("a", 200)+".example.org", "a."+strings.Repeat("b", 130)+".org",
		"a."+strings.Repeat("c", 300)+".com", "a."+strings.Repeat("q", 300)+".net")
}

// checkIndex compares the index with linear matching for one set of names:
// for each pattern alone, for every requirement-like group of them, and
// for the catalog as a whole.
func checkIndex(t *testing.T, x *hostIndex, patterns []catalog.HostPattern, names []Name) {
	t.Helper()
	var fit nameSet
	x.fit(names, &fit)
	for _, p := range patterns {
		id := x.ids[p.String()]
		if got, want := x.fits([]uint32{id}, &fit, names), namesFit([]catalog.HostPattern{p}, names); got != want {
			t.Errorf("names %q, pattern %q: index says %v, matching says %v", names, p, got, want)
		}
	}
	if got, want := x.known(&fit, names), namesFit(patterns, names); got != want {
		t.Errorf("names %q: known %v, matching says %v", names, got, want)
	}
}

// TestHostIndexAgreesWithMatching: the index finds the same patterns as
// matching each against each name.
func TestHostIndexAgreesWithMatching(t *testing.T) {
	patterns := indexTestPatterns(t)
	var x hostIndex
	for _, p := range patterns {
		x.add(p)
	}
	names := indexTestNames(patterns)
	for _, n := range names {
		checkIndex(t, &x, patterns, []Name{{Name: n}})
	}
	// Several names at once (a flow's DNS names and SNI).
	for i := 0; i+2 < len(names); i += 3 {
		checkIndex(t, &x, patterns, []Name{{Name: names[i]}, {Name: names[i+1]}, {Name: names[i+2]}})
	}
}

// TestHostIndexBeyondItsBits: a catalog with more distinct patterns than
// a nameSet has bits still matches those beyond it, name by name.
func TestHostIndexBeyondItsBits(t *testing.T) {
	var patterns []catalog.HostPattern
	for i := range maxIndexedHosts + 50 {
		h, err := catalog.ParseHostPattern(fmt.Sprintf("*.h%d.example.com", i))
		if err != nil {
			t.Fatal(err)
		}
		patterns = append(patterns, h)
	}
	var x hostIndex
	for _, p := range patterns {
		x.add(p)
	}
	for _, i := range []int{0, 7, maxIndexedHosts - 1, maxIndexedHosts, maxIndexedHosts + 49} {
		names := []Name{{Name: fmt.Sprintf("a.h%d.example.com", i)}}
		checkIndex(t, &x, patterns, names)
		var fit nameSet
		x.fit(names, &fit)
		if !x.known(&fit, names) {
			t.Errorf("%s: not known", names[0].Name)
		}
	}
	checkIndex(t, &x, patterns, []Name{{Name: "a.h9999.example.com"}})
}

// TestHostIndexNoAllocs: finding a flow's patterns allocates nothing.
func TestHostIndexNoAllocs(t *testing.T) {
	patterns := indexTestPatterns(t)
	var x hostIndex
	for _, p := range patterns {
		x.add(p)
	}
	names := []Name{{Name: "login.microsoftonline.com"}, {Name: "LOGIN.live.com."}, {Name: "\u212a.example.org"}}
	var fit nameSet
	if n := testing.AllocsPerRun(100, func() { x.fit(names, &fit) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// FuzzHostIndex: for any names, the index agrees with matching every
// pattern (names come from DNS answers, SNI and HTTP Host).
func FuzzHostIndex(f *testing.F) {
	patterns := indexTestPatterns(f)
	var x hostIndex
	for _, p := range patterns {
		x.add(p)
	}
	for _, n := range indexTestNames(patterns) {
		f.Add(n, "")
	}
	f.Add("outlook.office365.com", "autodiscover.contoso.com")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkIndex(t, &x, patterns, []Name{{Name: a}, {Name: b}})
	})
}
