package classify

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestParentFilter: every host pair noted using a watched port is seen
// (either way round, IPv4 and IPv6), and the filter in front of the table
// turns down most pairs that were not: it may err only towards a lookup.
func TestParentFilter(t *testing.T) {
	var l Learner
	l.SetWatchPorts([]uint16{135, 69})
	r := rand.New(rand.NewPCG(1, 2))
	addr := func() netip.Addr {
		if r.IntN(4) == 0 {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return netip.AddrFrom16(b)
		}
		return netip.AddrFrom4([4]byte{10, byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
	}
	type use struct {
		a, b netip.Addr
		port uint16
	}
	var noted []use
	const now = int64(1e12)
	for range 2000 {
		u := use{addr(), addr(), []uint16{135, 69}[r.IntN(2)]}
		l.parents.note(u.a, u.b, u.port, now)
		noted = append(noted, u)
	}
	l.parents.note(addr(), addr(), 443, now) // not watched: not kept
	if len(l.parents.seen) != len(noted) {
		t.Fatalf("%d uses kept, want %d", len(l.parents.seen), len(noted))
	}
	for _, u := range noted {
		if !l.SeenBefore(u.a, u.b, u.port, now) || !l.SeenBefore(u.b, u.a, u.port, now) {
			t.Fatalf("%v %v port %d noted but not seen", u.a, u.b, u.port)
		}
	}
	passed := 0
	for range 10000 {
		a, b := addr(), addr()
		if l.parents.mayHaveSeen(a, b, 135) {
			passed++
		}
		if l.SeenBefore(a, b, 135, now) {
			t.Fatalf("%v %v never noted, seen", a, b)
		}
	}
	// 2000 bits of 65,536 set: about 3% pass.
	if passed > 600 {
		t.Errorf("the filter let %d of 10,000 unseen pairs through", passed)
	}
	l.forgetParents()
	if u := noted[0]; l.SeenBefore(u.a, u.b, u.port, now) || l.parents.mayHaveSeen(u.a, u.b, u.port) {
		t.Error("seen after forgetParents")
	}
}
