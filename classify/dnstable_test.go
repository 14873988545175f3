package classify

import (
	"net/netip"
	"slices"
	"testing"
)

func chainOf(names ...string) [][]byte {
	var c [][]byte
	for _, n := range names {
		c = append(c, []byte(n))
	}
	return c
}

func namesOf(n *dnsNames) []string {
	if n == nil {
		return nil
	}
	return n.names
}

// TestDNSTableClientAnswerWins: a client's own answer names its flows; an
// answer another client received names them only when the client has none
// valid; answers expire with their TTL (plus grace).
func TestDNSTableClientAnswerWins(t *testing.T) {
	d := newDNSTable()
	c1, c2 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	addr := netip.MustParseAddr("203.0.113.9")
	d.add(c1, addr, chainOf("a.example", "edge.example"), 30, 1e9, true)
	d.add(c2, addr, chainOf("b.example"), 300, 2e9, true)

	cases := []struct {
		client netip.Addr
		at     int64
		want   []string
	}{
		{c1, 3e9, []string{"a.example", "edge.example"}},
		{c2, 3e9, []string{"b.example"}},
		{netip.MustParseAddr("10.0.0.3"), 3e9, []string{"b.example"}}, // a resolver asked for it
		{c1, 40e9, []string{"b.example"}},                             // c1's answer expired
		{c1, 0.5e9, nil},                                              // before any answer
		{c2, 400e9, nil},                                              // all expired
	}
	for _, c := range cases {
		if got := namesOf(d.lookup(c.client, addr, c.at)); !slices.Equal(got, c.want) {
			t.Errorf("lookup(%v, t=%ds) = %q, want %q", c.client, c.at/1e9, got, c.want)
		}
	}
	if got := d.lookup(c1, netip.MustParseAddr("203.0.113.10"), 3e9); got != nil {
		t.Errorf("unanswered address named %q", got.names)
	}
}

// TestDNSTableSweepRenumbers: a sweep forgets answers expired over a minute
// ago, with the clients and addresses only they referred to, and the
// answers still live keep naming their flows.
func TestDNSTableSweepRenumbers(t *testing.T) {
	d := newDNSTable()
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{203, 0, byte(i >> 8), byte(i)}) }
	client := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}) }
	// Short-lived answers for addresses 1..2000 to clients 1..2000 (more
	// than renumberSlack), and long-lived ones for addresses 3000..3009 to
	// clients 4000..4009.
	for i := 1; i <= 2000; i++ {
		d.add(client(i), addr(i), chainOf("short.example"), 10, 1e9, true)
	}
	for i := range 10 {
		d.add(client(4000+i), addr(3000+i), chainOf("long.example"), 3600, 1e9, true)
	}
	d.sweep(120e9)
	if len(d.clients) != 10 || len(d.addrs) != 10 || len(d.byClient) != 10 || len(d.byAddr) != 11 {
		t.Fatalf("after sweep: %d clients, %d addresses, %d client answers, %d address slots; want 10, 10, 10, 11",
			len(d.clients), len(d.addrs), len(d.byClient), len(d.byAddr))
	}
	for i := range 10 {
		if got := namesOf(d.lookup(client(4000+i), addr(3000+i), 121e9)); !slices.Equal(got, []string{"long.example"}) {
			t.Errorf("client %d address %d: %q after the sweep", 4000+i, 3000+i, got)
		}
	}
	if got := d.lookup(client(1), addr(1), 121e9); got != nil {
		t.Errorf("swept answer still names a flow: %q", got.names)
	}
	// New answers after a sweep take fresh numbers without disturbing the
	// renumbered ones.
	d.add(client(1), addr(3000), chainOf("new.example"), 60, 122e9, true)
	if got := namesOf(d.lookup(client(1), addr(3000), 123e9)); !slices.Equal(got, []string{"new.example"}) {
		t.Errorf("new answer: %q", got)
	}
	if got := namesOf(d.lookup(client(4000), addr(3000), 123e9)); !slices.Equal(got, []string{"long.example"}) {
		t.Errorf("client 4000 lost its own answer: %q", got)
	}
	// A sweep that forgets only a few keeps the numbering (no rebuild).
	d.add(client(7), addr(7), chainOf("short.example"), 10, 124e9, true)
	d.sweep(200e9)
	if len(d.clients) != 12 || len(d.byClient) != 11 {
		t.Errorf("small sweep: %d clients, %d client answers; want 12 (one forgotten, kept numbered), 11", len(d.clients), len(d.byClient))
	}
	if got := namesOf(d.lookup(client(4001), addr(3001), 201e9)); !slices.Equal(got, []string{"long.example"}) {
		t.Errorf("after a small sweep: %q", got)
	}
}

// BenchmarkDNSTableAnswers: learning a DNS response's answers, four
// addresses at the end of one CNAME chain, for 4,000 clients over 200
// addresses (the shape of the gateway mix's DNS).
func BenchmarkDNSTableAnswers(b *testing.B) {
	d := newDNSTable()
	chain := chainOf("www.example.com", "www.example.com.edgekey.net", "e1234.a.akamaiedge.net")
	now := int64(1e9)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		client := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8 & 15), byte(i)})
		for a := range 4 {
			d.add(client, netip.AddrFrom4([4]byte{203, 0, 113, byte((i*7 + a) % 200)}), chain, 300, now, true)
		}
		i++
		now += 1e5
	}
}
