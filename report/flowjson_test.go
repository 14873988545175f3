package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// oddStrings are what JSON encoders get wrong: quotes and backslashes,
// control characters, DEL, HTML characters, U+2028 and U+2029, U+FFFD,
// invalid and truncated UTF-8.
var oddStrings = []string{
	"", "plain", `say "hi"\`, "tab\there\nnew\rret\bback\fform", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "line\u2028para\u2029end", "\ufffd", "bad\xffbyte", "cut\xe2\x80",
	"\xed\xa0\x80 surrogate", "naïve café 日本", "\U0001F600 emoji", "a\u2027b\u202ac",
}

// checkFlowGroupJSON fails when appendFlowGroup and json.MarshalIndent
// disagree about g, in output or in failing.
func checkFlowGroupJSON(t *testing.T, g *FlowGroup) {
	t.Helper()
	want, wantErr := json.MarshalIndent(g, "    ", "  ")
	got, gotErr := appendFlowGroup([]byte("x"), g)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("encoding/json error %v, ours %v, for %#v", wantErr, gotErr, g)
	}
	if wantErr != nil {
		if wantErr.Error() != gotErr.Error() {
			t.Fatalf("errors differ:\n%v\n%v", wantErr, gotErr)
		}
		return
	}
	if !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Fatalf("encodings differ for %#v:\nencoding/json:\n%s\nours:\n%s", g, want, got[1:])
	}
}

func TestFlowGroupJSONMatchesEncodingJSON(t *testing.T) {
	// Every group of the test reports.
	for _, withSite := range []bool{false, true} {
		m, site := testMatcher(t, withSite)
		c := NewCollector(m)
		for _, x := range append(captureFlows(t, m), syntheticFlows(t, m, 2000, 3)...) {
			c.Add(x.f, x.r)
		}
		r := c.Build(testCapture, site)
		for i := range r.Flows {
			checkFlowGroupJSON(t, &r.Flows[i])
		}
	}
	// Odd strings in every string field, empty and nil lists and maps,
	// and times encoding/json refuses.
	for i, s := range oddStrings {
		g := oddGroup(s, oddStrings[(i+1)%len(oddStrings)], uint64(i)*0x1234567, int64(i)*1e17, int64(i)*123456789, byte(i))
		checkFlowGroupJSON(t, g)
	}
	zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -25*3600), time.FixedZone("z", 90)}
	for _, tm := range []time.Time{{}, time.Unix(0, 1), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for _, z := range zones {
			g := oddGroup("a", "b", 1, 0, 0, 0)
			g.FirstSeen, g.LastSeen = tm.In(z), tm
			checkFlowGroupJSON(t, g)
			g.FirstSeen, g.LastSeen = tm, tm.In(z)
			checkFlowGroupJSON(t, g)
		}
	}
}

// oddGroup makes a group out of two strings, a number, a time and bits
// that choose which optional parts are empty, nil or set.
func oddGroup(s, s2 string, n uint64, sec, nsec int64, bits byte) *FlowGroup {
	g := &FlowGroup{Src: s, Dst: s2, SrcRole: s2, DstName: s, Sources: int(n % 1001), Destinations: -int(n % 7),
		SrcPort: uint16(n), DstPort: uint16(n >> 16), Proto: s, ConnState: s2, History: s + s2, Verdict: s2,
		Requirement: s, Service: s2, Reason: s + "!", ICMPError: s2, Answered: bits&1 != 0, Assumed: bits&2 != 0,
		Midstream: bits&4 != 0, Packets: n, Bytes: n * 3, OrigPackets: n >> 1, RespPackets: n >> 2, OrigBytes: ^n,
		RespBytes: n << 5, Count: n + 1, FirstSeen: time.Unix(sec, nsec).UTC(), LastSeen: time.Unix(sec/2, nsec/3).UTC()}
	if bits&8 != 0 {
		g.ConnStates = StateCounts{}
		if bits&16 != 0 {
			g.ConnStates = StateCounts{{s, n}, {s2 + "2", n >> 3}, {"SF", 1}}
		}
	}
	if bits&32 != 0 {
		g.Names = []Name{}
		if bits&64 != 0 {
			g.Names = append(g.Names, Name{s, s2}, Name{s2, "dns"})
		}
	}
	if bits&128 != 0 {
		g.SrcRoles = []string{s, s2}
		g.DstRoles = []string{}
	} else {
		g.SrcRoles = []string{}
		g.DstRoles = []string{s2}
	}
	return g
}

// FuzzFlowGroupJSON holds the hand-written encoder to encoding/json's
// output on arbitrary strings, numbers and times.
func FuzzFlowGroupJSON(f *testing.F) {
	for i, s := range oddStrings {
		f.Add(s, oddStrings[(i+3)%len(oddStrings)], uint64(i)<<40, int64(i)*1e16, int64(i), byte(i*37))
	}
	f.Add("a", "b", uint64(1), int64(253402300800), int64(0), byte(0xff)) // year 10000
	f.Fuzz(func(t *testing.T, s, s2 string, n uint64, sec, nsec int64, bits byte) {
		checkFlowGroupJSON(t, oddGroup(s, s2, n, sec, nsec, bits))
	})
}

// TestOddStringsEscaped makes sure the odd strings do exercise escaping:
// eight of them encode to something else than themselves quoted.
func TestOddStringsEscaped(t *testing.T) {
	escaped := 0
	for _, s := range oddStrings {
		if string(appendJSONString(nil, s)) != fmt.Sprintf(`"%s"`, s) {
			escaped++
		}
	}
	if escaped < 8 {
		t.Fatalf("only %d of the odd strings need escaping", escaped)
	}
}
