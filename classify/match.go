package classify

import (
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/flowaudit/flowaudit/catalog"
)

// Matcher holds the catalog and site compiled once into typed matchers:
// prefix tables for the internal networks and the roles' addresses, port
// sets and host patterns per requirement. Classify then costs a few table
// lookups per flow.
type Matcher struct {
	Effective []*catalog.Effective
	reqs      []compiledReq
	ports     portTable // port -> requirements that may apply
	hosts     hostIndex // the host patterns of all requirements
	internal  bart.Lite
	roleIdx   map[string]int
	roleIDs   []string
	roleZone  []catalog.Zone
	roleBound []bool               // the site (or an address fact) gives the role addresses
	roles     bart.Table[[]uint64] // address -> bitset of the roles bound to it (covering prefixes merged)
	watch     []uint16             // ports dynamic requirements follow, for the engines to remember
}

type compiledReq struct {
	e          *catalog.Effective
	proto      uint8 // 6, 17, 1 (icmp also matches ICMPv6)
	from, to   int   // role indexes
	flags      catalog.Flags
	parentPort []uint16 // for dynamic requirements
	hosts      []uint32 // the requirement's host patterns (numbers in Matcher.hosts)
}

// Role indexes of the two global roles.
const (
	roleInternal = 0
	roleInternet = 1
)

// Compile builds a Matcher for a catalog at a site.
func Compile(cat *catalog.Catalog, site *catalog.Site) *Matcher {
	if site == nil {
		site = catalog.DefaultSite()
	}
	m := &Matcher{Effective: cat.Effective(site), roleIdx: map[string]int{}}
	for _, p := range site.Internal {
		m.internal.Insert(p)
	}
	m.addRole(catalog.RoleInternal, catalog.ZoneInternal)
	m.addRole(catalog.RoleInternet, catalog.ZoneInternet)
	for _, s := range cat.Services {
		for _, r := range s.Roles {
			m.addRole(r.ID, r.Zone)
		}
	}
	// Addresses of roles: the site's bindings and the documents' facts.
	bound := map[netip.Prefix][]int{}
	for role, prefixes := range site.Roles {
		i, ok := m.roleIdx[role]
		if !ok {
			continue
		}
		m.roleBound[i] = true
		for _, p := range prefixes {
			bound[p] = append(bound[p], i)
		}
	}
	for _, s := range cat.Services {
		for _, a := range s.Addresses {
			if i, ok := m.roleIdx[a.Role]; ok && a.Prefix.IsValid() {
				m.roleBound[i] = true
				bound[a.Prefix] = append(bound[a.Prefix], i)
			}
		}
	}
	words := (len(m.roleIDs) + 63) / 64
	for p := range bound {
		set := make([]uint64, words)
		for q, roles := range bound {
			if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
				for _, r := range roles {
					set[r/64] |= 1 << (r % 64)
				}
			}
		}
		m.roles.Insert(p, set)
	}
	// Requirements.
	sections := map[string][]*catalog.Effective{}
	for _, e := range m.Effective {
		sections[e.Service+"\x00"+e.Section] = append(sections[e.Service+"\x00"+e.Section], e)
	}
	for _, e := range m.Effective {
		c := compiledReq{e: e, proto: uint8(e.Proto), from: m.roleIdx[e.From], to: m.roleIdx[e.To], flags: e.AllFlags()}
		if e.Dynamic && len(e.Ports) == 0 {
			// The dynamic ports follow a conversation on the section's
			// fixed ports (RPC endpoint mapper 135, TFTP 69).
			for _, o := range sections[e.Service+"\x00"+e.Section] {
				if o.Dynamic {
					continue
				}
				for _, r := range o.Ports {
					if r.Lo == r.Hi && !slices.Contains(c.parentPort, r.Lo) {
						c.parentPort = append(c.parentPort, r.Lo)
						if !slices.Contains(m.watch, r.Lo) {
							m.watch = append(m.watch, r.Lo)
						}
					}
				}
			}
		}
		for _, h := range e.Hosts {
			c.hosts = append(c.hosts, m.hosts.add(h))
		}
		m.reqs = append(m.reqs, c)
	}
	m.ports.build(m.reqs)
	return m
}

func (m *Matcher) addRole(id string, z catalog.Zone) {
	if _, ok := m.roleIdx[id]; ok {
		return
	}
	m.roleIdx[id] = len(m.roleIDs)
	m.roleIDs = append(m.roleIDs, id)
	m.roleZone = append(m.roleZone, z)
	m.roleBound = append(m.roleBound, false)
}

// WatchPorts are the ports whose flows dynamic requirements follow; the
// engine remembers which host pairs used them.
func (m *Matcher) WatchPorts() []uint16 { return m.watch }

// Internal reports whether an address is in the site's internal networks.
func (m *Matcher) Internal(a netip.Addr) bool { return m.internal.Lookup(a.Unmap()) }

// addrRoles returns the bitset of roles an address is bound to (nil: none).
func (m *Matcher) addrRoles(a netip.Addr) []uint64 {
	set, _ := m.roles.Lookup(a.Unmap())
	return set
}

func hasBit(set []uint64, i int) bool { return set != nil && set[i/64]&(1<<(i%64)) != 0 }

// roleMatch says whether an address may play a role, and how sure that is.
// A role the site binds matches its addresses only (sure). The global
// roles match by the internal networks (sure). An unbound role is assumed
// to be played by any internal address (its zone internal or any): an
// audit without a site file still matches, and says the match was assumed.
// An unbound role can never be told on the Internet by address; only its
// host names can identify it there.
func (m *Matcher) roleMatch(role int, internal bool, set []uint64) matchKind {
	switch role {
	case roleInternal:
		return boolKind(internal, matchGlobal)
	case roleInternet:
		return boolKind(!internal, matchGlobal)
	}
	if m.roleBound[role] {
		return boolKind(hasBit(set, role), matchBound)
	}
	if internal && m.roleZone[role] != catalog.ZoneInternet {
		return matchAssumed
	}
	return noMatch
}

// matchKind says how an end of a flow matched a requirement's role, from
// most to least certain; it ranks the requirements a flow satisfies.
type matchKind uint8

const (
	noMatch      matchKind = iota
	matchAssumed           // an unbound role, assumed from the zone
	matchGlobal            // internal / internet
	matchName              // a host name the document gives
	matchBound             // the site binds the address to the role
)

func boolKind(ok bool, k matchKind) matchKind {
	if ok {
		return k
	}
	return noMatch
}

// Parents tells whether a host pair used a port before a time (the engine
// implements it).
type Parents interface {
	SeenBefore(a, b netip.Addr, port uint16, before int64) bool
}

// Result is the verdict on one flow.
type Result struct {
	Verdict     Verdict
	Requirement *catalog.Effective // the first requirement the flow satisfies (or breaks), if any
	Matches     []int              // every requirement it satisfies (indexes into Effective)
	Reason      string             // why blocked
	SrcRoles    []uint64           // roles bound to the source
	DstRoles    []uint64           // roles bound to the destination
	DstKnown    bool               // the catalog names the destination (by name or a bound role)
	Assumed     bool               // the requirement matched only because an unbound role was assumed
}

// Classify gives a finished flow its verdict.
func (m *Matcher) Classify(f *Flow, parents Parents) Result {
	// A fresh slice per flow: several workers classify at once.
	return m.ClassifyInto(f, parents, make([]int, 0, 4))
}

// ClassifyInto is Classify with the result's Matches appended to
// matches[:0]: a caller that classifies flow after flow in one goroutine
// and does not keep Matches passes the previous result's, and classifying
// allocates nothing for it (a scan ends millions of flows).
func (m *Matcher) ClassifyInto(f *Flow, parents Parents, matches []int) Result {
	src, _ := f.Orig()
	dst, dport := f.Resp()
	srcInt, dstInt := m.Internal(src), m.Internal(dst)
	srcSet, dstSet := m.addrRoles(src), m.addrRoles(dst)
	var nameBuf [8]Name
	names := f.AppendNames(nameBuf[:0])
	var fit nameSet
	m.hosts.fit(names, &fit)
	r := Result{SrcRoles: srcSet, DstRoles: dstSet}
	matches = matches[:0]

	proto := f.Proto
	if proto == 58 {
		proto = 1
	}
	exposure, notRequired := -1, -1
	best, bestIdx, bestAssumed := 0, -1, false
	connect, connectPort := f.connect()
	for _, k := range m.ports.at(proto, dport, connect != "", connectPort) {
		i := int(k.req)
		c := &m.reqs[i]
		if k.check && !m.portMatches(c, f, src, dst, dport, parents) {
			// Through an HTTP proxy, the CONNECT target is the real
			// destination of the tunnel.
			if connect != "" && len(c.e.Hosts) > 0 && c.e.Ports.Contains(connectPort) &&
				m.roleMatch(c.from, srcInt, srcSet) != noMatch && namesFit(c.e.Hosts, f.connectName()) &&
				!c.flags.Has(catalog.FlagNotRequired) && !c.flags.Has(catalog.FlagInternalOnly) {
				matches = append(matches, i)
				fk := m.roleMatch(c.from, srcInt, srcSet)
				if s := int(matchName) + int(fk); s > best {
					best, bestIdx, bestAssumed = s, i, fk == matchAssumed
				}
			}
			continue
		}
		// Exposure: an internal-only port of the role reached from outside.
		if c.flags.Has(catalog.FlagInternalOnly) && !srcInt &&
			(m.roleMatch(c.to, dstInt, dstSet) != noMatch || m.hosts.fits(c.hosts, &fit, names)) {
			if exposure < 0 {
				exposure = i
			}
			continue
		}
		score, assumed := m.endsMatch(c, c.from, c.to, srcInt, dstInt, srcSet, dstSet, &fit, names)
		if score == 0 && c.flags.Has(catalog.FlagBidirectional) {
			score, assumed = m.endsMatch(c, c.to, c.from, srcInt, dstInt, srcSet, dstSet, &fit, names)
		}
		if score == 0 {
			continue
		}
		if c.flags.Has(catalog.FlagNotRequired) {
			if notRequired < 0 {
				notRequired = i
			}
			continue
		}
		matches = append(matches, i)
		if score > best {
			best, bestIdx, bestAssumed = score, i, assumed
		}
	}
	r.Matches = matches
	r.Assumed = bestAssumed
	r.DstKnown = m.hosts.known(&fit, names) || m.boundToServiceRole(dstSet)
	blocked, reason := f.Blocked()
	switch {
	case exposure >= 0:
		r.Verdict, r.Requirement = VerdictExposure, m.reqs[exposure].e
	case notRequired >= 0:
		r.Verdict, r.Requirement = VerdictNotRequired, m.reqs[notRequired].e
	case blocked:
		r.Verdict, r.Reason = VerdictBlocked, reason
		if bestIdx >= 0 {
			r.Requirement = m.reqs[bestIdx].e
		}
	case bestIdx >= 0:
		r.Verdict, r.Requirement = VerdictDocumented, m.reqs[bestIdx].e
	case r.DstKnown:
		r.Verdict = VerdictUndocumentedPort
	default:
		r.Verdict = VerdictUnexpected
	}
	return r
}

func (m *Matcher) portMatches(c *compiledReq, f *Flow, src, dst netip.Addr, dport uint16, parents Parents) bool {
	e := c.e
	if c.proto == 1 {
		if len(e.ICMPTypes) == 0 {
			return true
		}
		t := f.ICMPType
		if f.Proto == 58 { // ICMPv6 echo request/reply are the same messages
			switch t {
			case 128:
				t = 8
			case 129:
				t = 0
			}
		}
		return slices.Contains(e.ICMPTypes, t)
	}
	if e.Ports.Contains(dport) {
		return true
	}
	if e.Dynamic && dport >= 1024 && parents != nil {
		for _, p := range c.parentPort {
			if parents.SeenBefore(src, dst, p, f.First) {
				return true
			}
		}
	}
	return false
}

// endsMatch checks the two ends of a flow against a requirement's roles and
// returns how sure the match is (0: no match). A requirement that gives
// host names needs one of them (fit: which patterns the names fit), or a
// destination the site binds to the role.
func (m *Matcher) endsMatch(c *compiledReq, from, to int, srcInt, dstInt bool, srcSet, dstSet []uint64, fit *nameSet, names []Name) (int, bool) {
	fk := m.roleMatch(from, srcInt, srcSet)
	if fk == noMatch {
		return 0, false
	}
	tk := noMatch
	if len(c.e.Hosts) > 0 {
		switch {
		case m.hosts.fits(c.hosts, fit, names):
			tk = matchName
		case to > roleInternet && m.roleBound[to] && hasBit(dstSet, to):
			tk = matchBound
		}
	} else {
		tk = m.roleMatch(to, dstInt, dstSet)
	}
	if tk == noMatch {
		return 0, false
	}
	return int(fk) + int(tk), fk == matchAssumed || tk == matchAssumed
}

// boundToServiceRole reports whether the site binds the address to a role
// of some service (not just "internal").
func (m *Matcher) boundToServiceRole(set []uint64) bool {
	for _, w := range set {
		if w != 0 {
			return true
		}
	}
	return false
}

// RoleNames lists the ids of the roles in a bitset.
func (m *Matcher) RoleNames(set []uint64) []string {
	var out []string
	for i, id := range m.roleIDs {
		if hasBit(set, i) {
			out = append(out, id)
		}
	}
	return out
}

// FirstRole is the first role id in a bitset ("" if none), without
// allocating.
func (m *Matcher) FirstRole(set []uint64) string {
	for w, bits := range set {
		for bits != 0 {
			i := w*64 + trailingZeros(bits)
			if i < len(m.roleIDs) {
				return m.roleIDs[i]
			}
			bits &= bits - 1
		}
	}
	return ""
}

func trailingZeros(x uint64) int {
	n := 0
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

// RoleBound reports whether a site (or an address fact) gives a role's addresses.
func (m *Matcher) RoleBound(id string) bool {
	i, ok := m.roleIdx[id]
	return ok && m.roleBound[i]
}

// ServerPorts lists every single port the requirements document: a flow
// seen without its start is oriented toward them.
func (m *Matcher) ServerPorts() []uint16 {
	var out []uint16
	for _, e := range m.Effective {
		for _, r := range e.Ports {
			if r.Hi-r.Lo < 64 {
				for p := int(r.Lo); p <= int(r.Hi); p++ {
					out = append(out, uint16(p))
				}
			}
		}
	}
	return out
}
