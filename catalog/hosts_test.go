package catalog

import (
	"strings"
	"testing"
)

func TestHostPatternMatch(t *testing.T) {
	cases := []struct {
		pattern string
		name    string
		want    bool
	}{
		{"management.core.windows.net", "management.core.windows.net", true},
		{"management.core.windows.net", "MANAGEMENT.Core.Windows.NET.", true},
		{"management.core.windows.net", "xmanagement.core.windows.net", false},
		{"management.core.windows.net", "a.management.core.windows.net", false},
		{"management.core.windows.net", "core.windows.net", false},
		{"*.blob.core.windows.net", "acct.blob.core.windows.net", true},
		{"*.blob.core.windows.net", "a.b.blob.core.windows.net", true},
		{"*.blob.core.windows.net", "blob.core.windows.net", false},
		{"*.blob.core.windows.net", "acctblob.core.windows.net", false},
		{"*.servicebus.windows.net", "x.servicebus.windows.net.", true},
		{"<storage account>.blob.core.windows.net", "contoso.blob.core.windows.net", true},
		{"<storage account>.blob.core.windows.net", "a.b.blob.core.windows.net", false},
		{"<storage account>.blob.core.windows.net", "blob.core.windows.net", false},
		{"<server name>.database.windows.net", "sql1.database.windows.net", true},
		{"snovap<region>.blob.core.windows.net", "snovapwesteurope.blob.core.windows.net", true},
		{"snovap<region>.blob.core.windows.net", "snovap.blob.core.windows.net", false},
		{"snovap<region>.blob.core.windows.net", "xsnovapwest.blob.core.windows.net", false},
		{"vmc-p-<region>.vault.azure.net", "vmc-p-eastus2.vault.azure.net", true},
		{"vmc-p-<region>.vault.azure.net", "vmc-p-eastus2.x.vault.azure.net", false},
		{"vmc-p-<region>.vault.azure.net", "VMC-P-EastUS2.Vault.Azure.Net", true},
		// Several holes in one label: each takes one or more characters.
		{"<a>-<b>.example.com", "x-y.example.com", true},
		{"<a>-<b>.example.com", "x-y-z.example.com", true},
		{"<a>-<b>.example.com", "-y.example.com", false},
		{"<a>-<b>.example.com", "x-.example.com", false},
		{"<a>-<b>.example.com", "xy.example.com", false},
		{"p<a>m<b>s.example.com", "pxmys.example.com", true},
		{"p<a>m<b>s.example.com", "pmmys.example.com", true},
		{"p<a>m<b>s.example.com", "pmys.example.com", false},
		{"p<a>m<b>s.example.com", "pmmmys.example.com", true},
		{"p<a>m<b>s.example.com", "pxmms.example.com", true},
		{"p<a>m<b>s.example.com", "pxms.example.com", false},
		{"p<a>m<b>s.example.com", "pxmmms.example.com", true},
		{"p<a>m<b>s.example.com", "PXMYS.example.com", true},
		{"<a>ab<b>ab<c>.example.com", "xabababy.example.com", true},
		{"<a>ab<b>ab<c>.example.com", "xababy.example.com", false},
		{"<a><b>.example.com", "xy.example.com", true},
		{"<a><b>.example.com", "x.example.com", false},
	}
	for _, c := range cases {
		p, err := ParseHostPattern(c.pattern)
		if err != nil {
			t.Fatalf("ParseHostPattern(%q): %v", c.pattern, err)
		}
		if got := p.Match(c.name); got != c.want {
			t.Errorf("%q.Match(%q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

func TestHostPatternErrors(t *testing.T) {
	for _, bad := range []string{"", "a..b", "*", "a.*.b", "foo*.bar", "<region.x", "x>.y", "<>.x", "a b.com", "<a<b>>.c"} {
		if _, err := ParseHostPattern(bad); err == nil {
			t.Errorf("ParseHostPattern(%q): no error", bad)
		}
	}
}

func TestHostPatternBind(t *testing.T) {
	p, err := ParseHostPattern("snovap<region>.blob.core.windows.net")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Bind(map[string][]string{"<region>": {"westeurope", "NorthEurope"}})
	if len(got) != 2 || got[0].String() != "snovapwesteurope.blob.core.windows.net" || got[1].String() != "snovapnortheurope.blob.core.windows.net" {
		t.Fatalf("Bind = %v", got)
	}
	if !got[0].IsExact() || got[0].Match("snovapnortheurope.blob.core.windows.net") {
		t.Errorf("bound pattern should be exact")
	}
	if kept := p.Bind(nil); len(kept) != 1 || kept[0].String() != p.String() {
		t.Errorf("Bind(nil) = %v", kept)
	}
}

// TestHostPatternLongLabelManyHoles matches a long label against a label
// pattern with five holes. Trying every length of each hole, as Match once
// did, would not end in the test's lifetime (the fuzzer found three holes
// and 5,000 characters taking 6.7 s); names in SNI and Host headers come
// from the network with no length limit.
func TestHostPatternLongLabelManyHoles(t *testing.T) {
	p, err := ParseHostPattern("<a>0<b>0<c>0<d>0<e>x.example.com")
	if err != nil {
		t.Fatal(err)
	}
	zeros := strings.Repeat("0", 5000)
	if p.Match(zeros + ".example.com") {
		t.Errorf("matched a label without the final x")
	}
	if !p.Match(zeros + "x.example.com") {
		t.Errorf("did not match a label of zeros ending in x")
	}
}
