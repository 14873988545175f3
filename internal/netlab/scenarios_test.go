package netlab

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TestScenarios runs every scenario and checks, packet by packet, that each
// capture holds what the scenario's Want list claims.
func TestScenarios(t *testing.T) {
	Require(t)
	names := map[string]bool{}
	for _, sc := range Scenarios() {
		if names[sc.Name] {
			t.Fatalf("duplicate scenario %s", sc.Name)
		}
		names[sc.Name] = true
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel() // each scenario has a lab of its own
			res := sc.Execute(t)
			if len(res.Pcaps) == 0 || len(res.Want) == 0 {
				t.Fatalf("scenario returned %d pcaps, %d expectations", len(res.Pcaps), len(res.Want))
			}
			files := map[string]*pcapFile{}
			for _, pc := range res.Pcaps {
				f, err := readPcap(pc.Path)
				if err != nil {
					t.Fatal(err)
				}
				if f.nano != pc.Nano {
					t.Errorf("%s: nanosecond magic %v, want %v", pc.Path, f.nano, pc.Nano)
				}
				wantLT := layers.LinkTypeEthernet
				if pc.Iface == "any" {
					wantLT = layers.LinkTypeLinuxSLL2
				}
				if f.linkType != wantLT {
					t.Errorf("%s: link type %v, want %v", pc.Path, f.linkType, wantLT)
				}
				files[pc.Path] = f
			}
			for _, w := range res.Want {
				f := files[w.Pcap]
				if f == nil {
					t.Errorf("%s: pcap %s is not among the scenario's pcaps", desc(w), w.Pcap)
					continue
				}
				for _, err := range check(f, w) {
					t.Errorf("%s: %v", desc(w), err)
				}
			}
			if t.Failed() {
				for _, pc := range res.Pcaps {
					dumpPcap(t, files[pc.Path], pc.Path)
				}
			}
		})
	}
}

func desc(w Expect) string {
	return fmt.Sprintf("%s %s -> %s %s", w.Proto, w.Client, netip.AddrPortFrom(w.Server, w.Port), w.ConnState)
}

func dumpPcap(t *testing.T, f *pcapFile, path string) {
	if f == nil {
		return
	}
	var b strings.Builder
	for _, p := range f.packets {
		fmt.Fprintf(&b, "%3d if%d %v:%d > %v:%d p%d %s len %d", p.n, p.ifindex, p.src, p.sport, p.dst, p.dport, p.proto, flags(p), len(p.payload))
		if p.icmp != nil {
			fmt.Fprintf(&b, " icmp %d/%d about %v>%v:%d", p.icmp.typ, p.icmp.code, p.icmp.src, p.icmp.dst, p.icmp.dport)
		}
		b.WriteByte('\n')
	}
	t.Logf("%s:\n%s", path, b.String())
}

func flags(p pkt) string {
	s := ""
	for _, f := range []struct {
		on bool
		c  string
	}{{p.syn, "S"}, {p.fin, "F"}, {p.rst, "R"}, {p.ack, "."}} {
		if f.on {
			s += f.c
		}
	}
	return s
}

type side struct {
	any, syn, synack, fin, rst, data, pureAck bool
}

func protoNum(w Expect) uint8 {
	if w.Proto == "udp" {
		return 17
	}
	return 6
}

// check verifies one expectation against a capture at a basic level: the
// TCP flags each side sent, whether the responder answered, the ICMP error,
// and the names.
func check(f *pcapFile, w Expect) []error {
	var errs []error
	errorf := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	proto := protoNum(w)
	flows := map[uint16][]pkt{} // by client port
	for _, p := range f.packets {
		if p.proto != proto {
			continue
		}
		switch {
		case p.src == w.Client && p.dst == w.Server && p.dport == w.Port:
			flows[p.sport] = append(flows[p.sport], p)
		case p.src == w.Server && p.dst == w.Client && p.sport == w.Port:
			flows[p.dport] = append(flows[p.dport], p)
		}
	}
	if len(flows) == 0 {
		return []error{fmt.Errorf("no packet of the flow in the capture")}
	}
	if w.Flows > 0 && len(flows) != w.Flows {
		errorf("%d flows (client ports), want %d", len(flows), w.Flows)
	}
	names := nameFinds{}
	for cport, pkts := range flows {
		var o, r side
		for _, p := range pkts {
			s := &r
			if p.src == w.Client {
				s = &o
			}
			s.any = true
			if proto != 6 {
				continue
			}
			s.syn = s.syn || (p.syn && !p.ack)
			s.synack = s.synack || (p.syn && p.ack)
			s.fin = s.fin || p.fin
			s.rst = s.rst || p.rst
			s.data = s.data || len(p.payload) > 0
			s.pureAck = s.pureAck || (p.ack && !p.syn && !p.fin && !p.rst && len(p.payload) == 0)
		}
		if r.any != w.Answered {
			errorf("client port %d: responder packets %v, want %v", cport, r.any, w.Answered)
		}
		if err := checkState(w, o, r); err != nil {
			errorf("client port %d: %v (originator %+v, responder %+v)", cport, err, o, r)
		}
		if w.Twice {
			if err := checkTwice(f, pkts); err != nil {
				errorf("client port %d: %v", cport, err)
			}
		}
		names.scan(w, pkts)
	}
	if w.ICMP != nil {
		found := false
		for _, p := range f.packets {
			e := p.icmp
			if e == nil || p.src != w.ICMP.From || p.dst != w.Client {
				continue
			}
			if e.typ == w.ICMP.Type && e.code == w.ICMP.Code && e.src == w.Client && e.dst == w.Server && e.proto == proto && e.dport == w.Port {
				found = true
			}
		}
		if !found {
			errorf("no ICMP type %d code %d (%s) from %v quoting the flow", w.ICMP.Type, w.ICMP.Code, w.ICMP.Kind, w.ICMP.From)
		}
	}
	if w.SNI != "" && !slices.Contains(names.sni, w.SNI) {
		errorf("no ClientHello with SNI %q (found %q)", w.SNI, names.sni)
	}
	if w.HTTPHost != "" && !slices.Contains(names.host, w.HTTPHost) {
		errorf("no HTTP request with Host %q (found %q)", w.HTTPHost, names.host)
	}
	if w.ConnectTarget != "" && !slices.Contains(names.connect, w.ConnectTarget) {
		errorf("no CONNECT %q (found %q)", w.ConnectTarget, names.connect)
	}
	if w.DNSName != "" && !slices.Contains(names.dnsQ, w.DNSName) {
		errorf("no DNS query for %q (found %q)", w.DNSName, names.dnsQ)
	}
	for _, a := range w.DNSAnswers {
		if !slices.Contains(names.dnsA, a) {
			errorf("DNS answers lack %q (found %q)", a, names.dnsA)
		}
	}
	return errs
}

// checkState checks the flags each side sent against Zeek's meaning of the
// conn_state.
func checkState(w Expect, o, r side) error {
	hs := o.syn && r.synack
	noRST := !o.rst && !r.rst
	ok := false
	if w.Proto == "udp" {
		switch w.ConnState {
		case "SF":
			ok = o.any && r.any
		case "S0":
			ok = o.any && !r.any
		default:
			return fmt.Errorf("no check for UDP state %s", w.ConnState)
		}
	} else {
		switch w.ConnState {
		case "S0": // SYN, no reply
			ok = o.syn && !r.any
		case "REJ": // SYN answered by RST, no SYN-ACK
			ok = o.syn && r.rst && !r.synack
		case "S1": // established, not terminated
			ok = hs && !o.fin && !r.fin && noRST
		case "SF": // established and closed by both
			ok = hs && o.fin && r.fin && noRST
		case "S2": // originator's FIN, none from the responder
			ok = hs && o.fin && !r.fin && noRST
		case "S3": // responder's FIN, none from the originator
			ok = hs && r.fin && !o.fin && noRST
		case "RSTO": // established, originator's RST
			ok = hs && o.rst && !r.rst
		case "RSTR": // established, responder's RST
			ok = hs && r.rst
		case "RSTOS0": // SYN then RST from the originator, nothing from the responder
			ok = o.syn && o.rst && !o.pureAck && !o.data && !o.fin && !r.any
		case "RSTRH": // responder's SYN-ACK then RST, nothing from the originator
			ok = !o.any && r.synack && r.rst
		case "SH": // originator's SYN then FIN, nothing from the responder
			ok = o.syn && o.fin && !r.any && noRST
		case "SHR": // responder's SYN-ACK then FIN, nothing from the originator
			ok = !o.any && r.synack && r.fin && noRST
		case "OTH": // midstream: no SYN, no close
			ok = !o.syn && !r.synack && o.any && !o.fin && !r.fin && noRST
		default:
			return fmt.Errorf("no check for TCP state %s", w.ConnState)
		}
	}
	if !ok {
		return fmt.Errorf("packets do not match %s", w.ConnState)
	}
	return nil
}

// checkTwice checks that every packet of the flow was captured twice, on two
// interfaces (tcpdump -i any in the gateway).
func checkTwice(f *pcapFile, pkts []pkt) error {
	if f.linkType != layers.LinkTypeLinuxSLL2 {
		return fmt.Errorf("link type %v, want SLL2", f.linkType)
	}
	type key struct {
		src, dst     netip.Addr
		sport, dport uint16
		flags        string
		seq, ack     uint32
		payload      string
	}
	count := map[key][]int{}
	for _, p := range pkts {
		k := key{p.src, p.dst, p.sport, p.dport, flags(p), p.seq, p.ackn, string(p.payload)}
		count[k] = append(count[k], p.ifindex)
	}
	for k, ifs := range count {
		if len(ifs)%2 != 0 {
			return fmt.Errorf("packet %v:%d > %v:%d %s seq %d seen %d times, want twice", k.src, k.sport, k.dst, k.dport, k.flags, k.seq, len(ifs))
		}
		slices.Sort(ifs)
		if ifs = slices.Compact(ifs); len(ifs) < 2 {
			return fmt.Errorf("packet %v:%d > %v:%d %s seen on interface %v only", k.src, k.sport, k.dst, k.dport, k.flags, ifs)
		}
	}
	return nil
}

type nameFinds struct {
	sni, host, connect, dnsQ, dnsA []string
}

// scan collects the names in one flow: TLS SNI, HTTP Host and CONNECT target
// from the client's byte stream, DNS questions and answers.
func (n *nameFinds) scan(w Expect, pkts []pkt) {
	if w.Proto == "udp" {
		for _, p := range pkts {
			n.dns(p.payload)
		}
		return
	}
	var cs, ss []pkt
	for _, p := range pkts {
		if p.src == w.Client {
			cs = append(cs, p)
		} else {
			ss = append(ss, p)
		}
	}
	client, server := stream(cs), stream(ss)
	if i := bytes.Index(client, []byte{22, 3}); i >= 0 {
		for j := i; j >= 0 && j < len(client); {
			if s := clientHelloSNI(client[j:]); s != "" {
				n.sni = append(n.sni, s)
			}
			k := bytes.Index(client[j+1:], []byte{22, 3})
			if k < 0 {
				break
			}
			j += 1 + k
		}
	}
	for _, line := range strings.Split(string(client), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "host") {
			n.host = append(n.host, strings.TrimSpace(v))
		}
		if f := strings.Fields(line); len(f) == 3 && f[0] == "CONNECT" && strings.HasPrefix(f[2], "HTTP/") {
			n.connect = append(n.connect, f[1])
		}
	}
	if w.Port == 53 {
		for _, s := range [][]byte{client, server} {
			for len(s) >= 2 {
				l := int(s[0])<<8 | int(s[1])
				if len(s) < 2+l {
					break
				}
				n.dns(s[2 : 2+l])
				s = s[2+l:]
			}
		}
	}
}

func (n *nameFinds) dns(b []byte) {
	var d layers.DNS
	if err := d.DecodeFromBytes(b, gopacket.NilDecodeFeedback); err != nil {
		return
	}
	if !d.QR {
		for _, q := range d.Questions {
			n.dnsQ = append(n.dnsQ, strings.TrimSuffix(string(q.Name), "."))
		}
		return
	}
	for _, a := range d.Answers {
		n.dnsA = append(n.dnsA, strings.TrimSuffix(string(a.Name), "."))
		switch a.Type {
		case layers.DNSTypeCNAME:
			n.dnsA = append(n.dnsA, strings.TrimSuffix(string(a.CNAME), "."))
		case layers.DNSTypeA, layers.DNSTypeAAAA:
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				n.dnsA = append(n.dnsA, ip.Unmap().String())
			}
		}
	}
}

// stream reassembles a direction's payload by sequence number (no gaps
// expected on veth links).
func stream(pkts []pkt) []byte {
	type seg struct {
		seq  uint32
		data []byte
	}
	var segs []seg
	seen := map[uint32]bool{}
	for _, p := range pkts {
		if len(p.payload) == 0 || seen[p.seq] {
			continue
		}
		seen[p.seq] = true
		segs = append(segs, seg{p.seq, p.payload})
	}
	sort.Slice(segs, func(i, j int) bool { return int32(segs[i].seq-segs[j].seq) < 0 })
	var out []byte
	for _, s := range segs {
		out = append(out, s.data...)
	}
	return out
}
