package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// readHeld reads every packet of src, retaining each one's Hold instead of
// copying its Data, as the sharded audit does.
func readHeld(t *testing.T, src Source) (pkts []Packet, problems int) {
	t.Helper()
	var p Packet
	for {
		err := src.Next(&p)
		if err == io.EOF {
			return pkts, problems
		}
		var pr *Problem
		if errors.As(err, &pr) {
			problems++
			if pr.Fatal {
				return pkts, problems
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Hold == nil {
			t.Fatal("a packet from a source opened with Holds has no Hold")
		}
		p.Hold.Retain()
		pkts = append(pkts, p)
	}
}

// TestHeldPacketsStayValid: with Options.Holds, packets kept past later
// Next calls still hold their own bytes, through buffer changes, records
// larger than the buffer, and resynchronisation after damage.
func TestHeldPacketsStayValid(t *testing.T) {
	recs := testRecords(3000)
	recs = append(recs, rec{t: recs[len(recs)-1].t + 1000, data: bytes.Repeat([]byte{7}, 20000)}, rec{t: recs[len(recs)-1].t + 2000, data: []byte{9}})
	clean, offs := buildPcap(pcapSpec{snaplen: 65535}, recs)
	damaged := corrupt(clean, offs[1499]+8, 0xffffffff, binary.LittleEndian)
	for _, tc := range []struct {
		name string
		file []byte
		want []rec
	}{
		{"clean", clean, recs},
		{"damaged", damaged, append(append([]rec(nil), recs[:1499]...), recs[1500:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool := NewHolds(4096, 64)
			src, err := OpenReader("held.pcap", bytes.NewReader(tc.file), Options{Holds: pool})
			if err != nil {
				t.Fatal(err)
			}
			pkts, _ := readHeld(t, src)
			checkRecords(t, pkts, tc.want, false)
			src.Close()
			held := map[*Hold]bool{}
			for _, p := range pkts {
				held[p.Hold] = true
			}
			for range len(pool.free) {
				h := <-pool.free
				if held[h] {
					t.Fatal("a buffer went back to the pool while packets held it")
				}
			}
			for _, p := range pkts {
				p.Hold.Release()
			}
			if len(pool.free) == 0 {
				t.Fatal("no buffer went back to the pool after every hold was released")
			}
		})
	}
}

// TestHoldsRecycle: a reader that releases what it read keeps reusing a
// few buffers instead of allocating one per fill.
func TestHoldsRecycle(t *testing.T) {
	b, _ := buildPcap(pcapSpec{snaplen: 65535}, testRecords(5000))
	pool := NewHolds(8192, 8)
	src, err := OpenReader("recycle.pcap", bytes.NewReader(b), Options{Holds: pool})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*Hold]bool{}
	var p Packet
	n := 0
	for src.Next(&p) == nil {
		seen[p.Hold] = true
		n++
	}
	if n != 5000 {
		t.Fatalf("read %d packets, want 5000", n)
	}
	if len(seen) > 3 {
		t.Fatalf("%d distinct buffers for %d bytes read through an 8 KiB pool: buffers are not recycled", len(seen), len(b))
	}
}

func TestHoldReleasedTooOften(t *testing.T) {
	h := NewHolds(4096, 1).get(0)
	h.Release()
	defer func() {
		if recover() == nil {
			t.Fatal("a second Release of a buffer held once did not panic")
		}
	}()
	h.Release()
}
