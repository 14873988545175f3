package classify

import (
	"slices"
	"testing"

	"github.com/flowaudit/flowaudit/catalog"
)

// TestPortTableListsEveryPort: for every TCP and UDP port, the table lists
// exactly the requirements whose ports hold it (sure) and the dynamic ones
// that may follow a parent port (to check), in catalog order; ICMP lists
// every ICMP requirement; a tunnel lists both ports' requirements, each to
// check. The built-in catalog has single ports, ranges and dynamic ports.
func TestPortTableListsEveryPort(t *testing.T) {
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := Compile(cat, nil)
	dynamic := 0
	for _, proto := range []uint8{6, 17} {
		for p := 0; p < 1<<16; p++ {
			var want []candidate
			for i, c := range m.reqs {
				switch {
				case c.proto != proto:
				case c.e.Ports.Contains(uint16(p)):
					want = append(want, candidate{req: uint32(i)})
				case c.e.Dynamic && p >= 1024 && len(c.parentPort) > 0:
					want = append(want, candidate{req: uint32(i), check: true})
					dynamic++
				}
			}
			if got := m.ports.at(proto, uint16(p), false, 0); !slices.Equal(got, want) {
				t.Fatalf("proto %d port %d: %v, want %v", proto, p, got, want)
			}
		}
	}
	if dynamic == 0 {
		t.Error("no dynamic requirement in the catalog: the test checks less than it says")
	}
	var icmp []candidate
	for i, c := range m.reqs {
		if c.proto == 1 {
			icmp = append(icmp, candidate{req: uint32(i), check: true})
		}
	}
	if got := m.ports.at(1, 0, false, 0); len(icmp) == 0 || !slices.Equal(got, icmp) {
		t.Errorf("icmp: %v, want %v", got, icmp)
	}
	if got := m.ports.at(47, 0, false, 0); got != nil {
		t.Errorf("gre: %v", got)
	}
	// A CONNECT through a proxy on 8080 to 443.
	tunnel := m.ports.at(6, 8080, true, 443)
	var want []uint32
	for _, k := range append(m.ports.at(6, 8080, false, 0), m.ports.at(6, 443, false, 0)...) {
		want = append(want, k.req)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(tunnel) != len(want) {
		t.Fatalf("tunnel: %d candidates, want %d", len(tunnel), len(want))
	}
	for i, k := range tunnel {
		if k.req != want[i] || !k.check {
			t.Errorf("tunnel candidate %d: %+v, want %d checked", i, k, want[i])
		}
	}
	if got := m.ports.at(6, 443, true, 443); !slices.Equal(got, m.ports.at(6, 443, false, 0)) {
		t.Error("a CONNECT to the flow's own port listed other candidates")
	}
}
