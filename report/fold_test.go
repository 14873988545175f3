package report

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify"
)

// scanSplit feeds the SYNs of a scan (every port below ports on each of
// hosts hosts; two SYNs share each timestamp, so that the tie-breaks
// count) in the order perm gives, to cols: each flow to the collector its
// destination hashes to, as workers would.
func scanSplit(tb testing.TB, cols []*Collector, hosts, ports int, perm []int) {
	tb.Helper()
	frame := tcpSeg(tb, "10.0.0.9", "11.0.0.1", 40000, 1, "S", 1, 0, nil)
	m := cols[0].m
	var e *classify.Engine
	e = classify.New(classify.Config{MaxFlows: 1000, ServerPorts: m.ServerPorts(), Sink: func(f *classify.Flow) {
		dst, port := f.Resp()
		a := dst.As4()
		c := cols[(int(binary.BigEndian.Uint32(a[:]))*7+int(port))%len(cols)]
		c.Add(f, m.Classify(f, e))
	}})
	e.SetWatchPorts(m.WatchPorts())
	t := int64(1_741_000_000e9)
	for _, n := range perm {
		h, port := n%hosts, n/hosts
		binary.BigEndian.PutUint32(frame[16:], 0x0b010000+uint32(h))
		binary.BigEndian.PutUint16(frame[22:], uint16(port+1))
		// Time follows the scan's own order (n), not the feeding order:
		// the same flows, ended in another order.
		p := capture.Packet{Data: frame, Time: t + int64(n/2)*1e3, Length: len(frame), Link: capture.LinkIPv4}
		e.Packet(&p)
	}
	e.Finish()
}

// TestFoldingIgnoresOrder: the groups of a report do not depend on the
// order flows end in, nor on how they are split among collectors (one per
// worker) and merged, on both sides of each level of detail.
func TestFoldingIgnoresOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("hundreds of thousands of flows")
	}
	m, site := testMatcher(t, true)
	for _, tc := range []struct {
		hosts, ports int
		want         level
	}{
		{1, MaxGroups, levelFine},      // at the bound: every group detailed
		{60, 1000, levelPort},          // 60,000 destinations on 1,000 ports
		{6, maxCoarse + 1, levelAny},   // 60,006 destinations on 10,001 ports
		{2, MaxGroups/2 + 1, levelAny}, // just over the bound, many ports
	} {
		t.Run(fmt.Sprintf("%dx%d", tc.hosts, tc.ports), func(t *testing.T) {
			n := tc.hosts * tc.ports
			inOrder := make([]int, n)
			for i := range inOrder {
				inOrder[i] = i
			}
			report := func(workers int, perm []int, mergeOrder []int) ([]byte, level) {
				cols := make([]*Collector, workers)
				for i := range cols {
					cols[i] = NewCollector(m)
				}
				scanSplit(t, cols, tc.hosts, tc.ports, perm)
				all := NewCollector(m)
				for _, i := range mergeOrder {
					all.Merge(cols[i])
				}
				r := all.Build(Capture{}, site)
				if r.Summary.Grouping != all.level.grouping() {
					t.Errorf("summary says grouping %q at level %d", r.Summary.Grouping, all.level)
				}
				var text bytes.Buffer
				if err := r.Write(&text, Options{Format: FormatText}); err != nil {
					t.Fatal(err)
				}
				if all.level != levelFine && !bytes.Contains(text.Bytes(), []byte(groupingText(r.Summary.Grouping))) {
					t.Errorf("the text report does not say how findings are grouped")
				}
				var b bytes.Buffer
				if err := r.Write(&b, Options{Format: FormatJSON}); err != nil {
					t.Fatal(err)
				}
				return b.Bytes(), all.level
			}
			one, lvl := report(1, inOrder, []int{0})
			if lvl != tc.want {
				t.Fatalf("level %d, want %d", lvl, tc.want)
			}
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			shuffled := slices.Clone(inOrder)
			rng.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			reversed := slices.Clone(inOrder)
			slices.Reverse(reversed)
			for _, v := range []struct {
				name    string
				workers int
				perm    []int
				merge   []int
			}{
				{"one worker, shuffled", 1, shuffled, []int{0}},
				{"three workers", 3, inOrder, []int{0, 1, 2}},
				{"three workers, reversed, merged backwards", 3, reversed, []int{2, 1, 0}},
				{"four workers, shuffled", 4, shuffled, []int{1, 3, 0, 2}},
			} {
				if got, _ := report(v.workers, v.perm, v.merge); !bytes.Equal(got, one) {
					t.Errorf("%s: the report differs:\n%s", v.name, firstLineDiff(one, got))
				}
			}
		})
	}
}

// firstLineDiff shows where two reports first differ.
func firstLineDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}

// TestGroupNamesIgnoreOrder: a group lists its first connection's names,
// then the smallest of the others, whatever order its connections come in
// and however they are split and merged.
func TestGroupNamesIgnoreOrder(t *testing.T) {
	type conn struct {
		first int64
		names []Name
		icmp  string
	}
	rng := rand.New(rand.NewPCG(5, 6))
	name := func() Name {
		return Name{Name: fmt.Sprintf("h%02d.example", rng.IntN(40)), Source: []string{"dns", "sni", "http-host"}[rng.IntN(3)]}
	}
	for round := range 200 {
		conns := make([]conn, 2+rng.IntN(12))
		for i := range conns {
			c := conn{first: int64(i + 1)}
			for range rng.IntN(6) {
				c.names = append(c.names, name())
			}
			if rng.IntN(3) == 0 {
				c.icmp = fmt.Sprintf("unreachable %d", rng.IntN(5))
			}
			conns[i] = c
		}
		// What the group must show: conns[0] is the earliest.
		want := slices.Clone(conns[0].names)
		var others []Name
		for _, c := range conns {
			for _, n := range c.names {
				if !slices.Contains(want, n) && !slices.Contains(others, n) {
					others = append(others, n)
				}
			}
		}
		slices.SortFunc(others, compareNames)
		for _, n := range others {
			if len(want) < maxNames {
				want = append(want, n)
			}
		}
		// The first connection's ICMP error, else the smallest.
		wantICMP := conns[0].icmp
		if wantICMP == "" {
			for _, c := range conns {
				if c.icmp != "" && (wantICMP == "" || c.icmp < wantICMP) {
					wantICMP = c.icmp
				}
			}
		}
		entry := func(c conn) *groupEntry {
			e := &groupEntry{first: c.first}
			d := e.detail()
			d.rep = c.names
			d.addNames(c.names)
			d.addICMP(c.icmp, true)
			return e
		}
		// Connections in a random order, into two groups merged at the end.
		rng.Shuffle(len(conns), func(i, j int) { conns[i], conns[j] = conns[j], conns[i] })
		cut := rng.IntN(len(conns))
		var parts [2]*groupEntry
		for i, c := range conns {
			p := &parts[min(1, i/max(1, cut))]
			if *p == nil {
				*p = entry(c)
				continue
			}
			(*p).merge(entry(c))
		}
		g := parts[0]
		if parts[1] != nil {
			g.merge(parts[1])
		}
		if got := g.info().names(); !slices.Equal(got, want) {
			t.Fatalf("round %d: names %v, want %v", round, got, want)
		}
		if got := g.info().icmpError(); got != wantICMP {
			t.Fatalf("round %d: ICMP error %q, want %q", round, got, wantICMP)
		}
	}
}
