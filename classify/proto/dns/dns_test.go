package dns

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// chainResponse is a response for WWW.Example.COM A whose answers go
// through two CNAMEs to two A and one AAAA records, compressed the way
// resolvers do it, with an RRSIG and an MX in between that must be
// skipped. It returns the message and the offset of the first answer.
func chainResponse() ([]byte, int) {
	m := newMsg(0x1234, flagsResponse, 1, 7, 0, 0)
	q := m.name("WWW.Example.COM")
	m.question(TypeA)
	an := len(m.b)
	// www.example.com CNAME edge.cdn.net
	m.ptr(q).rrHead(TypeCNAME, ClassIN, 300, 0)
	rdl := len(m.b) - 2
	cn1 := len(m.b)
	m.name("Edge.CDN.net")
	m.b[rdl+1] = byte(len(m.b) - cn1)
	// RRSIG on the CNAME: skipped by its rdlength.
	m.ptr(q).rrHead(46, ClassIN, 300, 5).raw(1, 2, 3, 4, 5)
	// edge.cdn.net CNAME a1.edge.cdn.net (labels then a pointer)
	m.ptr(cn1).rrHead(TypeCNAME, ClassIN, 60, 5)
	cn2 := len(m.b)
	m.labels("a1").ptr(cn1)
	// MX: skipped.
	m.ptr(q).rrHead(15, ClassIN, 60, 4).u16(10).ptr(q)
	m.ptr(cn2).rrHead(TypeA, ClassIN, 20, 4).raw(192, 0, 2, 1)
	m.ptr(cn2).rrHead(TypeA, ClassIN, 20, 4).raw(192, 0, 2, 2)
	m.ptr(cn2).rrHead(TypeAAAA, ClassIN, 20, 16).raw(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
	return m.b, an
}

func names(ns []Name) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.String()
	}
	return strings.Join(s, " ")
}

func TestCNAMEChain(t *testing.T) {
	msg, _ := chainResponse()
	var m Message
	if err := m.Parse(msg); err != nil {
		t.Fatal(err)
	}
	if m.ID != 0x1234 || !m.Response || m.RCode != 0 || m.Truncated || m.QType != TypeA {
		t.Errorf("header: %+v", m)
	}
	if got := m.Question.String(); got != "www.example.com" {
		t.Errorf("question %q", got)
	}
	want := []string{
		"www.example.com CNAME edge.cdn.net",
		"edge.cdn.net CNAME a1.edge.cdn.net",
		"a1.edge.cdn.net A 192.0.2.1",
		"a1.edge.cdn.net A 192.0.2.2",
		"a1.edge.cdn.net AAAA 2001:db8::1",
	}
	if got := rrStrings(m.Answers); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := names(m.Chain(nil)); got != "www.example.com edge.cdn.net a1.edge.cdn.net" {
		t.Errorf("Chain = %s", got)
	}
	for i := 2; i < 5; i++ {
		got, ok := m.AddrNames(i, nil)
		if !ok || names(got) != "www.example.com edge.cdn.net a1.edge.cdn.net" {
			t.Errorf("AddrNames(%d) = %s, %v", i, names(got), ok)
		}
	}
	if _, ok := m.AddrNames(0, nil); ok {
		t.Error("AddrNames of a CNAME record: ok")
	}
}

func rrStrings(rrs []RR) []string {
	var s []string
	for _, rr := range rrs {
		switch rr.Type {
		case TypeCNAME:
			s = append(s, rr.Name.String()+" CNAME "+rr.Target.String())
		case TypeA:
			s = append(s, rr.Name.String()+" A "+rr.Addr.String())
		case TypeAAAA:
			s = append(s, rr.Name.String()+" AAAA "+rr.Addr.String())
		}
	}
	return s
}

func TestChainOrderAndLoops(t *testing.T) {
	// CNAMEs listed out of order, a CNAME loop (b -> c -> b), and an A
	// record for a name not reached from the question.
	m := newMsg(1, flagsResponse, 1, 5, 0, 0)
	q := m.name("q.test")
	m.question(TypeA)
	b := len(m.b)
	m.name("b.test")
	m.rrHead(TypeCNAME, ClassIN, 1, 2).ptr(q) // b.test CNAME q.test: a loop
	m.ptr(q).rrHead(TypeCNAME, ClassIN, 1, 2).ptr(b)
	m.ptr(b).rrHead(TypeA, ClassIN, 1, 4).raw(10, 0, 0, 1)
	m.name("other.test")
	m.rrHead(TypeA, ClassIN, 1, 4).raw(10, 0, 0, 2)
	m.ptr(q).rrHead(TypeA, ClassIN, 1, 4).raw(10, 0, 0, 3)
	var msg Message
	if err := msg.Parse(m.b); err != nil {
		t.Fatal(err)
	}
	if got := names(msg.Chain(nil)); got != "q.test b.test" {
		t.Errorf("Chain = %q", got)
	}
	for i, want := range map[int]string{2: "q.test b.test", 4: "q.test"} {
		if got, ok := msg.AddrNames(i, nil); !ok || names(got) != want {
			t.Errorf("AddrNames(%d) = %q %v, want %q", i, names(got), ok, want)
		}
	}
	if got, ok := msg.AddrNames(3, []Name{{b: []byte("keep")}}); ok || names(got) != "keep" {
		t.Errorf("AddrNames(unrelated) = %q %v", names(got), ok)
	}
}

func TestCompressionLoops(t *testing.T) {
	hdr := func() *msgBuilder { return newMsg(1, 0, 1, 0, 0, 0) }
	cases := map[string][]byte{
		// Pointer to itself.
		"self": hdr().ptr(12).question(1).b,
		// Pointer forward, to a valid name after it.
		"forward": hdr().ptr(14).raw(0).question(1).b,
		// A label, then a pointer back to that label: a two-step cycle
		// whose pointer does point before itself.
		"label-cycle": hdr().labels("a").ptr(12).question(1).b,
		// Two pointers pointing at each other.
		"mutual": hdr().ptr(14).ptr(12).question(1).b,
		// Reserved label types.
		"0x40": hdr().raw(0x41, 'x', 0).question(1).b,
		"0x80": hdr().raw(0x81, 'x', 0).question(1).b,
	}
	want := map[string]error{"0x40": ErrLabel, "0x80": ErrLabel}
	for name, msg := range cases {
		var m Message
		err := m.Parse(msg)
		w := want[name]
		if w == nil {
			w = ErrPointer
		}
		if err != w {
			t.Errorf("%s: err %v, want %v", name, err, w)
		}
	}
}

func TestPointerLimit(t *testing.T) {
	// A chain of pointers, each pointing at the previous one: maxPointers
	// of them are followed, one more is refused.
	build := func(n int) []byte {
		m := newMsg(1, flagsResponse, 0, 2, 0, 0)
		// An unknown record whose rdata holds "z" and the chain: it
		// is skipped, the CNAME after it points into it.
		m.name("")
		m.rrHead(99, ClassIN, 1, 0)
		rd := len(m.b)
		prev := m.name("z")
		for i := 1; i < n; i++ {
			off := len(m.b)
			m.ptr(prev)
			prev = off
		}
		m.b[rd-1] = byte(len(m.b) - rd)
		m.name("") // owner: root
		m.rrHead(TypeCNAME, ClassIN, 1, 2).ptr(prev)
		return m.b
	}
	var m Message
	if err := m.Parse(build(maxPointers)); err != nil || m.Answers[0].Target.String() != "z" {
		t.Errorf("%d pointers: %v", maxPointers, err)
	}
	if err := m.Parse(build(maxPointers + 1)); err != ErrPointer {
		t.Errorf("%d pointers: err %v, want ErrPointer", maxPointers+1, err)
	}
}

func TestNameLimits(t *testing.T) {
	l63 := strings.Repeat("a", 63)
	// 4 labels: 3*64 + 1+61 + root = 255 octets: the longest legal name.
	longest := l63 + "." + l63 + "." + l63 + "." + strings.Repeat("b", 61)
	var m Message
	q := newMsg(1, 0, 1, 0, 0, 0)
	q.name(longest)
	q.question(1)
	if err := m.Parse(q.b); err != nil || m.Question.String() != longest {
		t.Errorf("255-octet name: %v", err)
	}
	q = newMsg(1, 0, 1, 0, 0, 0)
	q.name(longest + "b")
	q.question(1)
	if err := m.Parse(q.b); err != ErrNameTooLong {
		t.Errorf("256-octet name: err %v", err)
	}
	// Too long through compression: a 63-octet label in front of a
	// 193-octet suffix makes 257.
	q = newMsg(1, flagsResponse, 1, 1, 0, 0)
	base := q.name(l63 + "." + l63 + "." + l63) // 193 octets
	q.question(1)
	q.labels(l63).ptr(base).rrHead(TypeA, ClassIN, 1, 4).raw(1, 2, 3, 4)
	if err := m.Parse(q.b); err != ErrNameTooLong {
		t.Errorf("compressed 256+ name: err %v", err)
	}
	// Root name.
	q = newMsg(1, 0, 1, 0, 0, 0)
	q.name("")
	q.question(2)
	if err := m.Parse(q.b); err != nil || m.Question.Len() != 0 || m.QType != 2 || len(m.Chain(nil)) != 1 {
		t.Errorf("root question: %v %q", err, m.Question)
	}
}

func TestCountsExceedData(t *testing.T) {
	msg, _ := chainResponse()
	msg[7] = 9 // ANCOUNT 9, 7 present
	var m Message
	if err := m.Parse(msg); err != ErrTruncated {
		t.Fatalf("err %v, want ErrTruncated", err)
	}
	if len(m.Answers) != 5 {
		t.Errorf("kept %d answers, want the 5 parsed before the error", len(m.Answers))
	}
}

func TestTruncatedEveryLength(t *testing.T) {
	msg, _ := chainResponse()
	var full Message
	if err := full.Parse(msg); err != nil {
		t.Fatal(err)
	}
	want := rrStrings(full.Answers)
	var m Message
	for n := 0; n < len(msg); n++ {
		err := m.Parse(msg[:n])
		if err == nil {
			t.Fatalf("prefix %d/%d parsed without error", n, len(msg))
		}
		if n < 12 && err != ErrShort {
			t.Errorf("prefix %d: %v, want ErrShort", n, err)
		}
		got := rrStrings(m.Answers)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("prefix %d: answer %d = %s, want %s", n, i, got[i], want[i])
			}
		}
	}
}

func TestRData(t *testing.T) {
	for _, c := range []struct {
		name string
		b    func(*msgBuilder)
		err  error
	}{
		{"A 5 bytes", func(m *msgBuilder) { m.rrHead(TypeA, ClassIN, 1, 5).raw(1, 2, 3, 4, 5) }, ErrRData},
		{"AAAA 4 bytes", func(m *msgBuilder) { m.rrHead(TypeAAAA, ClassIN, 1, 4).raw(1, 2, 3, 4) }, ErrRData},
		{"CNAME short rdlength", func(m *msgBuilder) { m.rrHead(TypeCNAME, ClassIN, 1, 3).labels("ab").raw(0) }, ErrRData},
		{"CNAME long rdlength", func(m *msgBuilder) { m.rrHead(TypeCNAME, ClassIN, 1, 6).labels("ab").raw(0, 0, 0) }, ErrRData},
		{"rdlength past end", func(m *msgBuilder) { m.rrHead(99, ClassIN, 1, 50).raw(1) }, ErrTruncated},
		{"CH class A skipped", func(m *msgBuilder) { m.rrHead(TypeA, 3, 1, 6).raw(1, 2, 3, 4, 5, 6) }, nil},
	} {
		m := newMsg(1, flagsResponse, 0, 1, 0, 0)
		m.name("x")
		c.b(m)
		var msg Message
		if err := msg.Parse(m.b); err != c.err {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
		if len(msg.Answers) != 0 {
			t.Errorf("%s: kept %v", c.name, rrStrings(msg.Answers))
		}
	}
	// mDNS sets the class's top bit (cache flush): still IN.
	m := newMsg(0, 0x8400, 0, 1, 0, 0)
	m.name("host.local")
	m.rrHead(TypeA, 0x8001, 120, 4).raw(169, 254, 1, 2)
	var msg Message
	if err := msg.Parse(m.b); err != nil || len(msg.Answers) != 1 || msg.Answers[0].Addr != netip.MustParseAddr("169.254.1.2") {
		t.Errorf("mDNS cache-flush A: %v %v", err, rrStrings(msg.Answers))
	}
}

func TestReuse(t *testing.T) {
	big, _ := chainResponse()
	small := newMsg(7, 0x0100, 1, 0, 0, 0)
	small.name("Small.Test")
	small.question(TypeAAAA)
	var m Message
	for i := 0; i < 3; i++ {
		if err := m.Parse(big); err != nil || len(m.Answers) != 5 {
			t.Fatal(err)
		}
		if err := m.Parse(small.b); err != nil || m.Response || len(m.Answers) != 0 || m.Question.String() != "small.test" || m.QType != TypeAAAA {
			t.Fatalf("after reuse: %v %+v", err, m)
		}
	}
	if err := m.Parse(nil); !errors.Is(err, ErrShort) || m.Question.Len() != 0 || m.ID != 0 {
		t.Errorf("empty: %v %+v", err, m)
	}
}

func TestSplitTCP(t *testing.T) {
	a, _ := chainResponse()
	b := newMsg(9, 0x0100, 1, 0, 0, 0)
	b.name("second.test")
	b.question(TypeA)
	var stream []byte
	for _, msg := range [][]byte{a, b.b} {
		stream = append(stream, byte(len(msg)>>8), byte(len(msg)))
		stream = append(stream, msg...)
	}
	// Two messages in one segment.
	var m Message
	msg, rest, ok := SplitTCP(stream)
	if !ok || m.Parse(msg) != nil || len(m.Answers) != 5 {
		t.Fatalf("first: ok=%v", ok)
	}
	msg, rest, ok = SplitTCP(rest)
	if !ok || m.Parse(msg) != nil || m.Question.String() != "second.test" || len(rest) != 0 {
		t.Fatalf("second: ok=%v rest=%d", ok, len(rest))
	}
	if _, _, ok := SplitTCP(rest); ok {
		t.Error("empty stream: ok")
	}
	// A message split across two chunks, at every point: the caller
	// buffers until SplitTCP says ok.
	for cut := 0; cut < len(stream); cut++ {
		buf := append([]byte(nil), stream[:cut]...)
		var got []string
		for _, chunk := range [][]byte{nil, stream[cut:]} {
			buf = append(buf, chunk...)
			for {
				msg, rest, ok := SplitTCP(buf)
				if !ok {
					if len(rest) != len(buf) || TCPNeed(buf) <= len(buf) {
						t.Fatalf("cut %d: not ok but rest %d need %d of %d", cut, len(rest), TCPNeed(buf), len(buf))
					}
					break
				}
				if err := m.Parse(msg); err != nil {
					t.Fatalf("cut %d: %v", cut, err)
				}
				got = append(got, m.Question.String())
				buf = rest
			}
		}
		if strings.Join(got, ",") != "www.example.com,second.test" {
			t.Fatalf("cut %d: got %v", cut, got)
		}
	}
	// The message cannot grow into the rest.
	msg, _, _ = SplitTCP(stream)
	if cap(msg) != len(msg) {
		t.Error("msg capacity reaches into the rest")
	}
}

func TestNoAllocs(t *testing.T) {
	msg, _ := chainResponse()
	var m Message
	var chain []Name
	m.Parse(msg) // warm up the reused buffers
	allocs := testing.AllocsPerRun(1000, func() {
		if err := m.Parse(msg); err != nil {
			t.Fatal(err)
		}
		for i := range m.Answers {
			chain, _ = m.AddrNames(i, chain[:0])
		}
		_, _, _ = SplitTCP(msg)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Parse", allocs)
	}
}

func BenchmarkParse(b *testing.B) {
	msg, _ := chainResponse()
	var m Message
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if err := m.Parse(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseChain(b *testing.B) {
	msg, _ := chainResponse()
	var m Message
	var chain []Name
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if err := m.Parse(msg); err != nil {
			b.Fatal(err)
		}
		for i := range m.Answers {
			chain, _ = m.AddrNames(i, chain[:0])
		}
	}
}
