package classify

import (
	"math/rand/v2"
	"testing"
)

// TestFlowIndexAgainstMap: random inserts and deletions (with tiny hashes,
// so probe runs collide and wrap) agree with a Go map.
func TestFlowIndexAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	store := new(slabs[Flow])
	ix := newFlowIndex(store)
	want := map[flowKey]*Flow{}
	hash := map[*Flow]uint64{}
	var live []*Flow
	for step := range 20000 {
		if len(live) > 0 && r.IntN(3) == 0 {
			i := r.IntN(len(live))
			f := live[i]
			live[i] = live[len(live)-1]
			live = live[:len(live)-1]
			ix.del(f, hash[f])
			delete(want, f.key)
		} else {
			var k flowKey
			k.aPort, k.bPort = uint16(r.IntN(65536)), uint16(step)
			k.a.lo = uint64(r.IntN(256))
			if _, dup := want[k]; dup {
				continue
			}
			id, f := store.alloc()
			f.id, f.key = id, k
			hash[f] = uint64(uint32(r.IntN(512))*0x9e3779b9) << 32 // many equal hashes, anywhere in the slots
			ix.put(f, hash[f])
			want[k] = f
			live = append(live, f)
		}
		if step%1000 == 0 {
			if ix.n != len(want) {
				t.Fatalf("step %d: %d in the index, %d in the map", step, ix.n, len(want))
			}
			for k, f := range want {
				if got := ix.get(&k, hash[f]); got != f {
					t.Fatalf("step %d: lost a flow", step)
				}
			}
		}
	}
}

// BenchmarkFlowIndexGet looks up 200,000 flows in a random order, as a
// gateway's packets do: most lookups miss the CPU caches, for the slot and
// for the flow whose key is compared.
func BenchmarkFlowIndexGet(b *testing.B) {
	var flows slabs[Flow]
	ix := newFlowIndex(&flows)
	const n = 200000
	keys := make([]flowKey, n)
	hashes := make([]uint64, n)
	for i := range keys {
		k := flowKey{a: addrWords{lo: 0xffff<<32 | uint64(i)}, b: addrWords{lo: 0xffff<<32 | uint64(7*i+1)}, aPort: uint16(i), bPort: 443, proto: 6}
		id, f := flows.alloc()
		f.id, f.key = id, k
		keys[i], hashes[i] = k, hashKey(&k)
		ix.put(f, hashes[i])
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(n)
	i := 0
	for b.Loop() {
		j := order[i]
		if ix.get(&keys[j], hashes[j]) == nil {
			b.Fatal("a flow is missing")
		}
		if i++; i == n {
			i = 0
		}
	}
}
