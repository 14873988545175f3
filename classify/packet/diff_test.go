package packet

import (
	"os"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// sharedPcaps is the team's capture corpus, beside the repository. CI
// machines may not have it; testdata/ holds a few small copies that do
// run everywhere.
const sharedPcaps = "../../../shared/pcaps"

// TestDifferentialShared decodes every packet of every shared capture with
// Decode and with gopacket and compares them.
func TestDifferentialShared(t *testing.T) {
	if _, err := os.Stat(sharedPcaps); err != nil {
		t.Skipf("no shared capture corpus at %s: %v", sharedPcaps, err)
	}
	runDifferential(t, captureFiles(t, sharedPcaps), 0)
}

// TestDifferentialTestdata is the same on the small captures kept in
// testdata/, which cover VLAN, QinQ, SLL, SLL2, raw IPv6, NFLOG, IPNET,
// BSD loopback, pcapng and ICMP errors quoting UDP over IPv4 and IPv6.
func TestDifferentialTestdata(t *testing.T) {
	files := captureFiles(t, "testdata")
	if len(files) == 0 {
		t.Fatal("no captures in testdata/")
	}
	total := runDifferential(t, files, 1)
	// The copies were chosen for these; a decoder that silently stopped
	// reading them must fail here.
	if total.quoted < 2 {
		t.Errorf("compared %d quoted ICMP headers, want the IPv4 and IPv6 ones", total.quoted)
	}
	if total.transport < 40 {
		t.Errorf("compared %d transport headers, want at least 40", total.transport)
	}
}

// runDifferential returns the summed counts. Every file must yield at
// least minCompared compared packets unless it holds no IP at all.
func runDifferential(t *testing.T, files []string, minCompared int) diffCounts {
	t.Helper()
	var total diffCounts
	var p Parsed
	for _, f := range files {
		pkts, err := readCapture(f)
		if err != nil && len(pkts) == 0 {
			t.Logf("%s: unreadable by pcapgo: %v", f, err)
			continue
		}
		var c diffCounts
		mismatches := 0
		for i, pk := range pkts {
			st := p.Decode(pk.link, pk.data)
			gp := gopacketDecode(pk.link, pk.data)
			if gp == nil {
				c.unsupported++
				if st != UnsupportedLink {
					t.Errorf("%s #%d: link type %d unknown to the reference, Decode says %v", f, i+1, pk.link, st)
				}
				continue
			}
			if msg := compareGopacket(&p, st, gp, &c); msg != "" {
				mismatches++
				if mismatches <= 5 {
					t.Errorf("%s #%d (link %d, %d bytes): %s", f, i+1, pk.link, len(pk.data), msg)
				}
			}
		}
		t.Logf("%s: %v", f, c)
		if c.compared < minCompared && c.noIP+c.gpError+c.unsupported == 0 {
			t.Errorf("%s: only %d packets compared", f, c.compared)
		}
		total.add(c)
	}
	t.Logf("total: %v", total)
	return total
}

func (c *diffCounts) add(o diffCounts) {
	c.packets += o.packets
	c.compared += o.compared
	c.transport += o.transport
	c.quoted += o.quoted
	c.gpError += o.gpError
	c.noIP += o.noIP
	c.explained += o.explained
	c.unsupported += o.unsupported
	c.fragments += o.fragments
	for i := range c.status {
		c.status[i] += o.status[i]
	}
}

// TestDifferentialBuilt runs the gopacket comparison on the packets built
// for the unit tests (fragments, extension headers, ICMP quotes).
func TestDifferentialBuilt(t *testing.T) {
	var c diffCounts
	var p Parsed
	for _, bp := range builtCorpus(t) {
		st := p.Decode(bp.link, bp.data)
		gp := gopacketDecode(bp.link, bp.data)
		if msg := compareGopacket(&p, st, gp, &c); msg != "" {
			t.Errorf("%s: %s", bp.name, msg)
		}
	}
	t.Logf("built: %v", c)
	if c.compared != 25 || c.quoted != 3 || c.fragments != 5 || c.explained != 1 {
		t.Errorf("compared %d packets, %d quotes, %d fragments, %d by-design differences; want 25, 3, 5 and 1 (the 0x9100 tag)", c.compared, c.quoted, c.fragments, c.explained)
	}
}

// TestDifferentialExplained: frames where gopacket finds IP by a reading
// Decode does not share are told apart, not failed: a PPPoE discovery
// frame of code 0 and a session frame of another code (gopacket reads PPP
// in them), and the ethertypes of bridged frames and ERSPAN straight
// after an Ethernet header (gopacket reads another Ethernet frame).
func TestDifferentialExplained(t *testing.T) {
	ip := build(t, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 1, DstPort: 2}, payload(2))
	inner := build(t, eth(layers.EthernetTypeIPv4), gopacket.Payload(ip))
	erspan := append(make([]byte, 8), inner...)
	erspan[0] = 0x10 // ERSPAN version 1 (type II)
	frames := map[string][]byte{
		"pppoe discovery code 0": build(t, eth(layers.EthernetTypePPPoEDiscovery), &layers.PPPoE{Version: 1, Type: 1, SessionId: 7},
			&layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload(ip)),
		"pppoe session code 0x30": build(t, eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1, Code: 0x30, SessionId: 7},
			&layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload(ip)),
		"bridged frame": build(t, eth(layers.EthernetTypeTransparentEthernetBridging), gopacket.Payload(inner)),
		"erspan":        build(t, eth(layers.EthernetTypeERSPAN), gopacket.Payload(erspan)),
	}
	for name, frame := range frames {
		var p Parsed
		var c diffCounts
		st := p.Decode(LinkTypeEthernet, frame)
		gp := gopacketDecode(LinkTypeEthernet, frame)
		if msg := compareGopacket(&p, st, gp, &c); msg != "" || st != NotIP || c.explained != 1 {
			t.Errorf("%s: %v, %q, %d explained; want not-ip, explained (gopacket: %v)", name, st, msg, c.explained, layerNames(gp.Layers()))
		}
	}
}
