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
//
// Clients and addresses are numbered, so that the per-client answers are
// one flat map with eight-byte keys: a gateway's answers are mostly new
// (client, address) pairs, and inserting them was the largest cost of
// learning (measured: a map keyed by both 16-byte addresses took 1 us per
// answer on the 5-million-packet gateway mix, with its growth).
type dnsTable struct {
	addrs    map[[16]byte]uint32 // address -> number (from 1)
	byAddr   []dnsEntry          // by address number: the latest answer any client received
	clients  map[[16]byte]uint32 // client -> number (from 1)
	byClient map[uint64]dnsEntry // clientNumber<<32 | addressNumber -> the latest answer that client received

	interned  map[string]*dnsNames
	keyBuf    []byte
	lastSweep int64
	learned   uint64
}

func newDNSTable() *dnsTable {
	return &dnsTable{addrs: map[[16]byte]uint32{}, byAddr: []dnsEntry{{}}, clients: map[[16]byte]uint32{},
		byClient: map[uint64]dnsEntry{}, interned: map[string]*dnsNames{}}
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

// add records that client was told addr belongs to the chain: as the
// latest answer for addr, and, when perClient, as the latest answer this
// client received for it (a learner keeps those only for the host pairs
// its engine owns: Learner.owns).
func (d *dnsTable) add(client, addr netip.Addr, chain [][]byte, ttl uint32, now int64, perClient bool) {
	e := dnsEntry{names: d.intern(chain), seen: now, expires: now + int64(ttl)*1e9 + dnsGrace}
	a := d.addrs[addr.As16()]
	if a == 0 {
		a = uint32(len(d.byAddr))
		d.addrs[addr.As16()] = a
		d.byAddr = append(d.byAddr, dnsEntry{})
	}
	d.byAddr[a] = e
	d.learned++
	if !perClient {
		return
	}
	c := d.clients[client.As16()]
	if c == 0 {
		c = uint32(len(d.clients) + 1)
		d.clients[client.As16()] = c
	}
	d.byClient[uint64(c)<<32|uint64(a)] = e
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
	a := d.addrs[addr.As16()]
	if a == 0 {
		return nil
	}
	if c := d.clients[client.As16()]; c != 0 {
		if n := d.byClient[uint64(c)<<32|uint64(a)].valid(now); n != nil {
			return n
		}
	}
	return d.byAddr[a].valid(now)
}

// sweep drops the answers that expired over a minute before now, so memory
// follows the live answers only.
func (d *dnsTable) sweep(now int64) {
	if now-d.lastSweep < 60e9 {
		return
	}
	d.lastSweep = now
	cutoff := now - 60e9
	for k, e := range d.byClient {
		if e.expires < cutoff {
			delete(d.byClient, k)
		}
	}
	liveAddrs := 0
	for a, e := range d.byAddr {
		if e.expires < cutoff {
			d.byAddr[a] = dnsEntry{}
		} else if e.names != nil {
			liveAddrs++
		}
	}
	// Every live client has a per-client answer, every live address an
	// answer of its own: numbers beyond twice those belong to forgotten
	// ones. Renumbering only then keeps a long capture's sweeps cheap.
	if len(d.clients) > 2*len(d.byClient)+renumberSlack || len(d.addrs) > 2*liveAddrs+renumberSlack {
		d.renumber()
	}
	if len(d.interned) > 1<<16 {
		// Names are shared by pointer; dropping the intern map only costs
		// a re-allocation the next time a chain is seen.
		d.interned = map[string]*dnsNames{}
	}
}

// renumberSlack is how many forgotten clients and addresses may keep their
// numbers before a sweep renumbers.
const renumberSlack = 1024

// renumber drops the clients and addresses no live answer refers to and
// numbers the others afresh, so that the numbering follows the live
// answers rather than every address ever answered.
func (d *dnsTable) renumber() {
	liveAddr := make([]uint32, len(d.byAddr)) // old number -> new, 0: dropped
	liveClient := make(map[uint32]uint32, len(d.clients))
	byAddr := []dnsEntry{{}}
	keep := func(a uint32) uint32 {
		if liveAddr[a] == 0 {
			liveAddr[a] = uint32(len(byAddr))
			byAddr = append(byAddr, d.byAddr[a])
		}
		return liveAddr[a]
	}
	for a, e := range d.byAddr {
		if e.names != nil {
			keep(uint32(a))
		}
	}
	byClient := make(map[uint64]dnsEntry, len(d.byClient))
	for k, e := range d.byClient {
		c, ok := liveClient[uint32(k>>32)]
		if !ok {
			c = uint32(len(liveClient) + 1)
			liveClient[uint32(k>>32)] = c
		}
		byClient[uint64(c)<<32|uint64(keep(uint32(k)))] = e
	}
	addrs := make(map[[16]byte]uint32, len(byAddr))
	for k, a := range d.addrs {
		if n := liveAddr[a]; n != 0 {
			addrs[k] = n
		}
	}
	clients := make(map[[16]byte]uint32, len(liveClient))
	for k, c := range d.clients {
		if n := liveClient[c]; n != 0 {
			clients[k] = n
		}
	}
	d.addrs, d.byAddr, d.clients, d.byClient = addrs, byAddr, clients, byClient
}
