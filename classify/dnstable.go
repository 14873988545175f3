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

// addrAnswers are the answers that named one address.
//
// They are kept as short histories: an engine running behind the reader
// (several workers) must find the answer that was valid when its flow
// started, as a single engine would. A history keeps every answer newer
// than the watermark (the capture time all engines have reached) and the
// latest one before it; older ones can no longer be the latest for any
// flow still to start.
type addrAnswers struct {
	byClient map[[16]byte][]dnsEntry // each client's answers, oldest first
	any      []dnsEntry              // answers to any client, oldest first
}

// dnsTable maps answered addresses to the names that led to them, valid for
// the answer's TTL in capture time.
type dnsTable struct {
	byAddr    map[[16]byte]*addrAnswers
	interned  map[string]*dnsNames
	keyBuf    []byte
	lastSweep int64
	learned   uint64
}

func newDNSTable() *dnsTable {
	return &dnsTable{byAddr: map[[16]byte]*addrAnswers{}, interned: map[string]*dnsNames{}}
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

// trim drops from a history (oldest first) the answers older than the
// latest one seen at or before the watermark.
func trim(h []dnsEntry, watermark int64) []dnsEntry {
	last := -1
	for i := range h {
		if h[i].seen <= watermark {
			last = i
		}
	}
	if last <= 0 {
		return h
	}
	n := copy(h, h[last:])
	return h[:n]
}

// add records that client was told addr belongs to the chain. watermark
// is the capture time every engine has reached.
func (d *dnsTable) add(client, addr netip.Addr, chain [][]byte, ttl uint32, now, watermark int64) {
	e := dnsEntry{names: d.intern(chain), seen: now, expires: now + int64(ttl)*1e9 + dnsGrace}
	a := d.byAddr[addr.As16()]
	if a == nil {
		a = &addrAnswers{byClient: map[[16]byte][]dnsEntry{}}
		d.byAddr[addr.As16()] = a
	}
	c := client.As16()
	a.byClient[c] = append(trim(a.byClient[c], watermark), e)
	a.any = append(trim(a.any, watermark), e)
	d.learned++
}

// latest is the newest answer of a history seen at or before now, if it is
// still valid then.
func latest(h []dnsEntry, now int64) *dnsNames {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].seen <= now {
			if h[i].expires < now {
				return nil
			}
			return h[i].names
		}
	}
	return nil
}

// lookup returns the names for a flow from client to addr starting at now:
// the answer this client received wins (the query that named the flow);
// otherwise the most recent answer any client received (a resolver may
// have asked on the client's behalf).
func (d *dnsTable) lookup(client, addr netip.Addr, now int64) *dnsNames {
	a := d.byAddr[addr.As16()]
	if a == nil {
		return nil
	}
	if n := latest(a.byClient[client.As16()], now); n != nil {
		return n
	}
	return latest(a.any, now)
}

// sweep drops the answers that expired before the watermark (less a
// minute), so memory follows the live answers only.
func (d *dnsTable) sweep(watermark int64) {
	if watermark-d.lastSweep < 60e9 {
		return
	}
	d.lastSweep = watermark
	cutoff := watermark - 60e9
	live := func(h []dnsEntry) bool { return len(h) > 0 && h[len(h)-1].expires >= cutoff }
	for addr, a := range d.byAddr {
		if !live(a.any) {
			delete(d.byAddr, addr)
			continue
		}
		for c, h := range a.byClient {
			if !live(h) {
				delete(a.byClient, c)
			}
		}
	}
	if len(d.interned) > 1<<16 {
		// Names are shared by pointer; dropping the intern map only costs
		// a re-allocation the next time a chain is seen.
		d.interned = map[string]*dnsNames{}
	}
}
