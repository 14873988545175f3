package dns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/classify/proto/internal/pcaptest"
)

// dnsPayloads returns every DNS message of a capture: UDP payloads to or
// from port 53, and the messages of TCP port 53 streams split by SplitTCP.
// It also returns how many came over TCP.
func dnsPayloads(tb testing.TB, path string) (msgs [][]byte, tcp int) {
	return dnsPackets(pcaptest.Read(tb, path))
}

func dnsPackets(pkts []pcaptest.Packet) (msgs [][]byte, tcp int) {
	for _, p := range pkts {
		if !p.TCP && (p.Src.Port() == 53 || p.Dst.Port() == 53) {
			msgs = append(msgs, p.Payload)
		}
	}
	for _, s := range pcaptest.TCPStreams(pkts) {
		if s.Src.Port() != 53 && s.Dst.Port() != 53 {
			continue
		}
		for rest := s.Data; ; {
			msg, r, ok := SplitTCP(rest)
			if !ok {
				break
			}
			msgs, rest = append(msgs, msg), r
			tcp++
		}
	}
	return msgs, tcp
}

// TestCaptures checks Parse against gopacket's layers.DNS on every DNS
// message of the test captures, and the CNAME chains SOURCES.md lists.
func TestCaptures(t *testing.T) {
	for _, c := range []struct {
		file     string
		minMsgs  int // messages gopacket decodes
		minTCP   int
		wantAddr map[string]string // address -> names from AddrNames
	}{
		{file: "teams-excerpt.pcap", minMsgs: 40, wantAddr: map[string]string{
			"2a01:111:f100:7000::6fdd:54a1": "trouter2-asse-a.trouter.teams.microsoft.com trouter2-asse-a.cloudapp.net",
			"52.114.75.69":                  "eu-api.asm.skype.com asm-api-prod-eu.trafficmanager.net weu1-api-skype.cloudapp.net",
			"52.114.76.48":                  "northeuropecns.trafficmanager.net northeuropecns-32.northeurope.cloudapp.azure.com",
		}},
		{file: "tls_certificate_too_long-excerpt.pcap", minMsgs: 30},
		{file: "detect-dotprefix-01.pcap", minMsgs: 2, wantAddr: map[string]string{
			"8.253.41.78": "www.download.windowsupdate.com 2-01-3cf7-0009.cdx.cedexis.net fg.download.windowsupdate.com.c.footprint.net",
		}},
		// Mixed-case names on the wire (WWW-CMU.ANDREW.cmu.edu), an RRSIG
		// between the CNAMEs.
		{file: "dns-two-responses.pcap", minMsgs: 3, wantAddr: map[string]string{
			"128.2.10.163": "www.cmu.edu www-cmu.andrew.cmu.edu www-cmu-2.andrew.cmu.edu",
		}},
		{file: "wikipedia.pcap", minMsgs: 28, wantAddr: map[string]string{
			"208.80.152.2": "meta.wikimedia.org text.wikimedia.org text.pmtpa.wikimedia.org",
		}},
		{file: "dns-edns-ecs.pcap", minMsgs: 80, minTCP: 9},
		{file: "dns_tcp.pcap", minMsgs: 2, minTCP: 2, wantAddr: map[string]string{
			"192.139.46.66": "www.tcpdump.org",
		}},
		{file: "dns-tcp-multirequest-buffer.pcap", minMsgs: 40, minTCP: 40},
	} {
		t.Run(c.file, func(t *testing.T) {
			msgs, tcp := dnsPayloads(t, pcaptest.Testdata(c.file))
			var m Message
			decoded := 0
			found := map[string]string{}
			for i, msg := range msgs {
				ok, err := crossCheck(&m, msg)
				if err != nil {
					t.Errorf("message %d: %v", i, err)
				}
				if ok {
					decoded++
				}
				for j, rr := range m.Answers {
					if names, ok := m.AddrNames(j, nil); ok {
						found[rr.Addr.String()] = joinNames(names)
					}
				}
			}
			if decoded < c.minMsgs || tcp < c.minTCP {
				t.Errorf("%d messages decoded (%d over TCP), want at least %d (%d)", decoded, tcp, c.minMsgs, c.minTCP)
			}
			for addr, want := range c.wantAddr {
				if found[addr] != want {
					t.Errorf("%s: names %q, want %q", addr, found[addr], want)
				}
			}
		})
	}
}

func joinNames(ns []Name) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.String()
	}
	return strings.Join(s, " ")
}

// TestMalformedCapture: nDPI's malformed DNS responses (names gopacket
// finds too long) must fail cleanly, and the queries still parse.
func TestMalformedCapture(t *testing.T) {
	msgs, _ := dnsPayloads(t, pcaptest.Testdata("malformed_dns.pcap"))
	var m Message
	queries, failed := 0, 0
	for _, msg := range msgs {
		if err := m.Parse(msg); err != nil {
			failed++
		} else if !m.Response && m.Question.String() == "www.xt.com" {
			queries++
		}
	}
	if queries != 2 || failed == 0 {
		t.Errorf("%d queries parsed, %d messages failed", queries, failed)
	}
}

// TestSharedCorpus runs the gopacket cross-check over every capture of the
// shared corpus when it is on this machine (it is not in CI).
func TestSharedCorpus(t *testing.T) {
	dir := pcaptest.SharedDir()
	if dir == "" || testing.Short() {
		t.Skip("shared capture corpus not present")
	}
	var m Message
	total, tcpTotal, decoded := 0, 0, 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			return nil
		}
		pkts, err := pcaptest.ReadFile(path)
		if err != nil && len(pkts) == 0 {
			return nil // not readable by pcapgo (odd link types, broken files)
		}
		msgs, tcp := dnsPackets(pkts)
		for i, msg := range msgs {
			total++
			ok, err := crossCheck(&m, msg)
			if err != nil {
				t.Errorf("%s message %d: %v", path, i, err)
			}
			if ok {
				decoded++
			}
		}
		tcpTotal += tcp
		return nil
	})
	t.Logf("%d DNS messages (%d over TCP), %d decoded by gopacket and cross-checked", total, tcpTotal, decoded)
}
