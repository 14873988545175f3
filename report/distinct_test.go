package report

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestDistinctCountsAsASet: the packed sets count what a map of addresses
// counts, capped at maxDistinct, whatever the mix of IPv4, IPv6 and
// IPv4-mapped IPv6 (the same four bytes, another address), and unions
// count the union.
func TestDistinctCountsAsASet(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	addr := func(n int) netip.Addr {
		v := rng.IntN(n)
		b := [4]byte{10, 0, byte(v >> 8), byte(v)}
		switch rng.IntN(5) {
		case 0:
			return netip.AddrFrom16(netip.AddrFrom4(b).As16()) // ::ffff:10.0.x.y
		case 1:
			return netip.AddrFrom16([16]byte{0x20, 1, 0xd, 0xb8, 14: b[2], 15: b[3]})
		}
		return netip.AddrFrom4(b)
	}
	capped := func(n int) int { return min(n, maxDistinct) }
	for _, spread := range []int{3, 50, 400, 5000} {
		var a, b distinct
		ma, mb := map[netip.Addr]bool{}, map[netip.Addr]bool{}
		for i := range 3000 {
			x := addr(spread)
			d, m := &a, ma
			if i%3 == 0 {
				d, m = &b, mb
			}
			m[x] = true
			if got := d.add(x); got != capped(len(m)) {
				t.Fatalf("spread %d: add counts %d, want %d", spread, got, capped(len(m)))
			}
		}
		for x := range mb {
			ma[x] = true
		}
		c, before := a.clone(), a.count()
		if got := a.union(&b); got != capped(len(ma)) || a.count() != got {
			t.Errorf("spread %d: union counts %d (count %d), want %d", spread, got, a.count(), capped(len(ma)))
		}
		if c.count() != before {
			t.Errorf("spread %d: a clone changed with its original", spread)
		}
	}
}
