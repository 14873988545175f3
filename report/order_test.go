package report

import (
	"cmp"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// compareText must order any two texts as strings.Compare does: the
// addresses the report sorts by, but also texts with NUL bytes and texts
// longer than the key's 16 bytes (IPv6).
func TestCompareTextIsStringOrder(t *testing.T) {
	texts := []string{"", "\x00", "a", "a\x00", "a\x00\x00", "ab", "10.0.60.1", "10.0.60.10", "10.0.60.100", "10.0.6.1",
		"255.255.255.255", "255.255.255.2550", "2001:db8::1", "2001:db8::10", "2001:db8:0:1::1", "2001:db8:0:1::1\x00",
		"2001:db8:0:1::2", "fe80::1%eth0", "*", strings.Repeat("a", 16), strings.Repeat("a", 17), strings.Repeat("a", 15) + "\x00",
		strings.Repeat("a", 16) + "b", strings.Repeat("a", 16) + "c", "2001:db8:0:1:0:0:0:1", "2001:db8:0:1:0:0:0:2"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = "\x00a1:."[rng.IntN(5)]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		ks := keyOf(s)
		for _, u := range texts[:200] {
			ku := keyOf(u)
			if got, want := compareText(&ks, &ku, s, u), strings.Compare(s, u); got != want {
				t.Fatalf("compareText(%q, %q) = %d, want %d", s, u, got, want)
			}
		}
	}
}

// sortRows with two CPUs sorts the halves at once and merges them: the
// result must be what one sort gives.
func TestSortRowsMergesHalves(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2*parallelMin - 1, 2 * parallelMin, 5*parallelMin + 3} {
		rows := make([]row, n)
		for i, p := range rng.Perm(n) {
			rows[i] = row{i: int32(p), sev: int32(rng.IntN(3)), count: uint64(rng.IntN(50))}
		}
		byKeys := func(a, b row) int {
			return cmp.Or(cmp.Compare(a.sev, b.sev), cmp.Compare(b.count, a.count), cmp.Compare(a.i, b.i))
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, byKeys)
		if got := sortRows(rows, byKeys); !slices.Equal(got, want) {
			t.Fatalf("%d rows: sortRows differs from one sort", n)
		}
	}
}
