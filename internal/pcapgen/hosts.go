package main

import (
	"hash/fnv"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
)

// routerMAC is the gateway's: the Ethernet address of every external host.
var routerMAC = [6]byte{0x00, 0x1b, 0x21, 0x3a, 0x00, 0x01}

// A host is an internal machine: 10.0.a.b and fd00:0:0:a::b.
type host struct {
	v4, v6 netip.Addr
	mac    [6]byte
	vlan   uint16
	port   uint16 // last ephemeral port
	ttl    uint8
}

func newHost(r *rand.Rand, a, b byte, ttl uint8) *host {
	return &host{
		v4:   netip.AddrFrom4([4]byte{10, 0, a, b}),
		v6:   netip.AddrFrom16([16]byte{0: 0xfd, 7: a, 15: b}),
		mac:  [6]byte{0x00, 0x15, 0x5d, 0x00, a, b},
		port: uint16(49152 + r.IntN(16000)),
		ttl:  ttl,
	}
}

func (h *host) ep(v6 bool, port uint16) endpoint {
	a := h.v4
	if v6 {
		a = h.v6
	}
	return endpoint{addr: a, mac: h.mac, port: port, ttl: h.ttl}
}

// ephemeral returns the host's next source port (Windows' dynamic range).
func (h *host) ephemeral() uint16 {
	if h.port++; h.port < 49152 {
		h.port = 49152
	}
	return h.port
}

// external is an endpoint beyond the gateway.
func external(a netip.Addr, port uint16) endpoint {
	b := a.As16()
	return endpoint{addr: a, mac: routerMAC, port: port, ttl: 44 + (b[15]^b[14])%80}
}

// A target is a named external service: its CNAME chain and addresses.
type target struct {
	name   string
	weight int
	path   string // HTTP
	chain  []string
	v4, v6 []netip.Addr
	ttl    uint32
	nx     bool // the name does not exist
}

func (tg *target) addr(g *gen, v6 bool) netip.Addr {
	if v6 {
		return pick(g, tg.v6)
	}
	return pick(g, tg.v4)
}

// The network: internal clients and servers, and the external names they use.
type network struct {
	clients, dc, cass, apps                             []*host
	site, mp, dp, sup, sql, dhcp, resolver, deadDNS, px *host
	tls, http, other                                    []*target
	tlsWeight, httpWeight                               int
}

// Names of the built-in catalog (with CNAME chains like the real ones) and others.
var catalogChains = map[string][]string{
	"login.microsoftonline.com":             {"login.mso.msidentity.com", "ak.privatelink.msidentity.com", "www.tm.ak.prd.aadg.akadns.net"},
	"management.azure.com":                  {"arm-frontdoor-prod.trafficmanager.net", "arm-frontdoor-prod.azurefd.net"},
	"management.core.windows.net":           {"rdfepirv2am2prdstr03.cloudapp.net"},
	"contoso.blob.core.windows.net":         {"blob.ams07prdstr12a.store.core.windows.net"},
	"packages.microsoft.com":                {"packages-microsoft-com-prod.trafficmanager.net", "pmc-prod.azureedge.net"},
	"global.azure-devices-provisioning.net": {"global-dps-prod.trafficmanager.net"},
	"www.msftconnecttest.com":               {"ncsi.4-c-0003.c-msedge.net", "4-c-0003.c-msedge.net"},
	"x.servicebus.windows.net":              {"ns-sb2-prod-am3-007.cloudapp.net"},
}

var tlsNames = []struct {
	name   string
	weight int
}{
	{"login.microsoftonline.com", 8}, {"management.azure.com", 4}, {"management.core.windows.net", 2},
	{"contoso.blob.core.windows.net", 5}, {"packages.microsoft.com", 2}, {"global.azure-devices-provisioning.net", 2},
	{"www.msftconnecttest.com", 1}, {"x.servicebus.windows.net", 3}, {"outlook.office365.com", 4},
	{"teams.microsoft.com", 3}, {"graph.microsoft.com", 3}, {"login.live.com", 2},
	{"settings-win.data.microsoft.com", 3}, {"v10.events.data.microsoft.com", 3}, {"www.example.com", 2},
	{"www.google.com", 5}, {"fonts.gstatic.com", 2}, {"github.com", 3}, {"api.github.com", 2},
	{"objects.githubusercontent.com", 2}, {"registry.npmjs.org", 2}, {"pypi.org", 1}, {"files.pythonhosted.org", 1},
	{"cdn.jsdelivr.net", 1}, {"www.wikipedia.org", 1}, {"slack.com", 2}, {"zoom.us", 1}, {"s3.amazonaws.com", 2},
	{"dl.google.com", 1}, {"update.googleapis.com", 2}, {"www.bing.com", 2},
}

var httpNames = []struct {
	name, path string
	weight     int
}{
	{"www.msftconnecttest.com", "/connecttest.txt", 6},
	{"packages.microsoft.com", "/debian/12/prod/dists/bookworm/InRelease", 2},
	{"ctldl.windowsupdate.com", "/msdownload/update/v3/static/trustedr/en/authrootstl.cab", 3},
	{"ocsp.digicert.com", "/MFEwTzBNMEswSTAJBgUrDgMCGgUABBQ", 3},
	{"download.windowsupdate.com", "/c/msdownload/update/software/defu/2025/03/am_delta.exe", 2},
	{"deb.debian.org", "/debian/dists/bookworm/InRelease", 2},
	{"security.debian.org", "/debian-security/dists/bookworm-security/InRelease", 1},
	{"www.example.com", "/", 1},
}

// Names looked up without a connection in the capture, internal ones too.
var otherNames = []string{"time.windows.com", "wpad.corp.contoso.com", "dc01.corp.contoso.com", "sccm01.corp.contoso.com",
	"kms.corp.contoso.com", "www.youtube.com", "clients4.google.com", "edge.microsoft.com", "ntp.ubuntu.com"}

func newNetwork(r *rand.Rand) *network {
	n := &network{}
	for i := range 2000 {
		h := newHost(r, byte(1+i/250), byte(1+i%250), 128)
		if i%8 == 3 { // an eighth of the clients sit on tagged VLANs
			h.vlan = uint16(100 + i/250)
		}
		n.clients = append(n.clients, h)
	}
	srv := func(b byte) *host { return newHost(r, 0, b, 128) }
	n.dc = []*host{srv(10), srv(11)}
	n.site, n.mp, n.dp, n.sup, n.sql = srv(20), srv(21), srv(22), srv(23), srv(30)
	n.dhcp, n.px, n.resolver, n.deadDNS = srv(2), srv(8), srv(53), srv(54)
	for i := range 6 {
		n.cass = append(n.cass, newHost(r, 60, byte(1+i), 64))
	}
	for i := range 4 {
		n.apps = append(n.apps, newHost(r, 61, byte(1+i), 64))
	}
	for _, x := range tlsNames {
		n.tls = append(n.tls, newTarget(x.name, x.weight, ""))
		n.tlsWeight += x.weight
	}
	for _, x := range httpNames {
		n.http = append(n.http, newTarget(x.name, x.weight, x.path))
		n.httpWeight += x.weight
	}
	internal := map[string]*host{"dc01.corp.contoso.com": n.dc[0], "sccm01.corp.contoso.com": n.site, "kms.corp.contoso.com": n.dc[1]}
	for _, x := range otherNames {
		tg := newTarget(x, 1, "")
		if h := internal[x]; h != nil {
			tg.v4, tg.v6 = []netip.Addr{h.v4}, []netip.Addr{h.v6}
		}
		n.other = append(n.other, tg)
	}
	return n
}

// Public prefixes the external addresses are made in, by family.
var (
	v4Prefixes = [][2]byte{{20, 190}, {40, 126}, {52, 239}, {13, 107}, {104, 18}, {151, 101}, {142, 250}, {93, 184}, {23, 215}, {185, 199}}
	v6Prefixes = [][4]byte{{0x26, 0x03, 0x10, 0x30}, {0x26, 0x06, 0x47, 0x00}, {0x2a, 0x00, 0x14, 0x50}, {0x26, 0x20, 0x01, 0xec}}
)

// newTarget makes a name's CNAME chain and addresses from its hash, the same in every run.
func newTarget(name string, weight int, path string) *target {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(h.Sum64(), 7))
	tg := &target{name: name, weight: weight, path: path, ttl: uint32(30 + r.IntN(3570)), nx: strings.HasPrefix(name, "wpad.")}
	if c, ok := catalogChains[name]; ok {
		tg.chain = c
	} else if strings.HasSuffix(name, "contoso.com") {
		// internal names have no chain
	} else if k := r.IntN(3); k > 0 {
		label := strings.SplitN(name, ".", 2)[0]
		tg.chain = []string{name + ".edgekey.net", "e" + strconv.Itoa(1000+r.IntN(9000)) + ".dscb.akamaiedge.net"}[:k]
		if k == 1 {
			tg.chain[0] = label + "-" + strconv.Itoa(r.IntN(100)) + ".cdn.cloudflare.net"
		}
	}
	p4, p6 := v4Prefixes[r.IntN(len(v4Prefixes))], v6Prefixes[r.IntN(len(v6Prefixes))]
	for range 1 + r.IntN(4) {
		tg.v4 = append(tg.v4, netip.AddrFrom4([4]byte{p4[0], p4[1], byte(r.IntN(256)), byte(1 + r.IntN(254))}))
		var a [16]byte
		copy(a[:], p6[:])
		a[5], a[7], a[14], a[15] = byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256)), byte(1+r.IntN(254))
		tg.v6 = append(tg.v6, netip.AddrFrom16(a))
	}
	return tg
}

// weighted picks a target by weight.
func weighted(g *gen, ts []*target, total int) *target {
	n := g.r.IntN(total)
	for _, t := range ts {
		if n -= t.weight; n < 0 {
			return t
		}
	}
	return ts[len(ts)-1]
}

func (g *gen) client() *host { return pick(g, g.net.clients) }
