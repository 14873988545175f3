package classify

import (
	"net/netip"
	"slices"
)

// dnsNames is the chain of names a DNS answer gave for an address: the
// queried name first, then each CNAME target down to the address's owner.
// It is immutable and shared by every flow it names.
type dnsNames struct{ names []string }

// dnsEntry is one answer for an address, as one client received it.
type dnsEntry struct {
	client  [16]byte
	names   *dnsNames
	seen    int64 // when the answer was seen
	expires int64 // seen + TTL (+ grace)
}

// dnsGrace keeps an answer usable for a moment past its TTL: a client
// connects right after resolving, and a TTL of 0 or 1 s is common behind
// load balancers.
const dnsGrace = int64(2e9)

// maxEntriesPerAddr bounds the answers kept for one address.
//
// Answers are kept as a history: an engine running behind the reader
// (several workers) must find the answer that was valid when its flow
// started, as a single engine would. An answer is dropped only once every
// engine has passed a newer answer to the same client (the watermark), or
// once it expired before the watermark.
const maxEntriesPerAddr = 256

// dnsTable maps answered addresses to the names that led to them, valid for
// the answer's TTL in capture time.
type dnsTable struct {
	byAddr     map[[16]byte][]dnsEntry
	interned   map[string]*dnsNames
	keyBuf     []byte
	superseded [][16]byte // scratch: clients with a newer answer before the watermark
	lastSweep  int64
	learned    uint64
}

func newDNSTable() *dnsTable {
	return &dnsTable{byAddr: map[[16]byte][]dnsEntry{}, interned: map[string]*dnsNames{}}
}

// intern returns the shared names for a chain, allocating only the first
// time a chain is seen.
func (d *dnsTable) intern(chain [][]byte) *dnsNames {
	d.keyBuf = d.keyBuf[:0]
	for _, n := range chain {
		d.keyBuf = append(d.keyBuf, n...)
		d.keyBuf = append(d.keyBuf, 0)
	}
	if n, ok := d.interned[string(d.keyBuf)]; ok {
		return n
	}
	names := &dnsNames{names: make([]string, 0, len(chain))}
	for _, c := range chain {
		s := string(c)
		dup := false
		for _, o := range names.names {
			if o == s {
				dup = true
			}
		}
		if !dup {
			names.names = append(names.names, s)
		}
	}
	d.interned[string(d.keyBuf)] = names
	return names
}

// add records that client was told addr belongs to the chain. watermark
// is the capture time every engine has reached.
func (d *dnsTable) add(client, addr netip.Addr, chain [][]byte, ttl uint32, now, watermark int64) {
	names := d.intern(chain)
	a, c := addr.As16(), client.As16()
	e := dnsEntry{client: c, names: names, seen: now, expires: now + int64(ttl)*1e9 + dnsGrace}
	entries := d.byAddr[a]
	d.learned++
	// Drop what no engine can need any more: answers superseded, before
	// the watermark, by a newer answer to the same client; answers expired
	// before it. Entries are in the order they were seen: walk them newest
	// first, remembering the clients already answered before the watermark.
	kept := entries
	if n := len(entries); n >= 4 && n%4 == 0 {
		// Pruning is amortized over several answers; a few dead entries
		// in between cost only a little scanning.
		d.superseded = d.superseded[:0]
		for i := n - 1; i >= 0; i-- {
			x := entries[i]
			if x.expires < watermark-60e9 || slices.Contains(d.superseded, x.client) {
				entries[i].names = nil // marks it dead
				continue
			}
			if x.seen <= watermark {
				d.superseded = append(d.superseded, x.client)
			}
		}
		kept = entries[:0]
		for _, x := range entries {
			if x.names != nil {
				kept = append(kept, x)
			}
		}
	}
	if len(kept) >= maxEntriesPerAddr {
		kept = kept[1:] // the oldest: entries are in the order they were seen
	}
	d.byAddr[a] = append(kept, e)
}

// lookup returns the names for a flow from client to addr starting at now:
// the answer this client received wins (the query that named the flow);
// otherwise the most recent answer any client received (a resolver may
// have asked on the client's behalf).
func (d *dnsTable) lookup(client, addr netip.Addr, now int64) *dnsNames {
	entries := d.byAddr[addr.As16()]
	if len(entries) == 0 {
		return nil
	}
	c := client.As16()
	var mine, any *dnsEntry
	for i := range entries {
		e := &entries[i]
		if e.seen > now || e.expires < now {
			continue
		}
		if e.client == c && (mine == nil || e.seen >= mine.seen) {
			mine = e
		}
		if any == nil || e.seen >= any.seen {
			any = e
		}
	}
	switch {
	case mine != nil:
		return mine.names
	case any != nil:
		return any.names
	}
	return nil
}

// sweep drops expired answers so memory follows the live answers only.
func (d *dnsTable) sweep(now int64) {
	if now-d.lastSweep < 60e9 {
		return
	}
	d.lastSweep = now
	// Engines may run up to a few thousand packets behind: keep answers a
	// minute past their expiry.
	cutoff := now - 60e9
	for a, entries := range d.byAddr {
		kept := entries[:0]
		for _, e := range entries {
			if e.expires >= cutoff {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			delete(d.byAddr, a)
		} else {
			d.byAddr[a] = kept
		}
	}
	if len(d.interned) > 1<<16 {
		// Names are shared by pointer; dropping the intern map only costs
		// a re-allocation the next time a chain is seen.
		d.interned = map[string]*dnsNames{}
	}
}
