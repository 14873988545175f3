package classify

import (
	"net/netip"
)

// dnsNames is the chain of names a DNS answer gave for an address: the
// queried name first, then each CNAME target down to the address's owner.
// It is immutable and shared by every flow it names.
type dnsNames struct{ names []string }

// dnsEntry is one answer for an address, as one client received it.
type dnsEntry struct {
	names   *dnsNames
	seen    int64 // when the answer was seen
	expires int64 // seen + TTL (+ grace)
}

// dnsGrace keeps an answer usable for a moment past its TTL: a client
// connects right after resolving, and a TTL of 0 or 1 s is common behind
// load balancers.
const dnsGrace = int64(2e9)

// dnsTable maps answered addresses to the names that led to them, valid for
// the answer's TTL in capture time. The learner is fed in capture order, so
// a newer answer replaces an older one: it keeps, for each address, the
// latest answer each client received and the latest any client received.
// Both are flat maps: a map per address cost an allocation per address and
// its growth per new client (measured: the largest cost of learning).
type dnsTable struct {
	byClient  map[dnsPair]dnsEntry
	byAddr    map[[16]byte]dnsEntry
	interned  map[string]*dnsNames
	keyBuf    []byte
	lastSweep int64
	learned   uint64
}

// dnsPair is a client and an address it was given.
type dnsPair struct{ client, addr [16]byte }

func newDNSTable() *dnsTable {
	return &dnsTable{byClient: map[dnsPair]dnsEntry{}, byAddr: map[[16]byte]dnsEntry{}, interned: map[string]*dnsNames{}}
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

// add records that client was told addr belongs to the chain.
func (d *dnsTable) add(client, addr netip.Addr, chain [][]byte, ttl uint32, now int64) {
	e := dnsEntry{names: d.intern(chain), seen: now, expires: now + int64(ttl)*1e9 + dnsGrace}
	k := addr.As16()
	d.byClient[dnsPair{client.As16(), k}] = e
	d.byAddr[k] = e
	d.learned++
}

// valid returns an answer's names if it is still valid at now.
func (e dnsEntry) valid(now int64) *dnsNames {
	if e.names == nil || e.seen > now || e.expires < now {
		return nil
	}
	return e.names
}

// lookup returns the names for a flow from client to addr starting at now:
// the answer this client received wins (the query that named the flow);
// otherwise the most recent answer any client received (a resolver may
// have asked on the client's behalf).
func (d *dnsTable) lookup(client, addr netip.Addr, now int64) *dnsNames {
	k := addr.As16()
	a, ok := d.byAddr[k]
	if !ok {
		return nil
	}
	if n := d.byClient[dnsPair{client.As16(), k}].valid(now); n != nil {
		return n
	}
	return a.valid(now)
}

// sweep drops the answers that expired over a minute before now, so memory
// follows the live answers only.
func (d *dnsTable) sweep(now int64) {
	if now-d.lastSweep < 60e9 {
		return
	}
	d.lastSweep = now
	cutoff := now - 60e9
	for k, e := range d.byAddr {
		if e.expires < cutoff {
			delete(d.byAddr, k)
		}
	}
	for k, e := range d.byClient {
		if e.expires < cutoff {
			delete(d.byClient, k)
		}
	}
	if len(d.interned) > 1<<16 {
		// Names are shared by pointer; dropping the intern map only costs
		// a re-allocation the next time a chain is seen.
		d.interned = map[string]*dnsNames{}
	}
}
