package tls

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/classify/proto/internal/pcaptest"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// result is what feeding one client stream segment by segment gave.
type result struct {
	sni      string
	status   Status
	segments int // segments seen when the status stopped being NeedMore
}

// feed gives p the stream as it grew, one TCP segment at a time, like a
// flow tracker would, and checks at each step that a NeedMore's need was a
// lower bound.
func feed(t *testing.T, p *Parser, s *pcaptest.Stream) result {
	t.Helper()
	lastNeed := 0
	for i, end := range s.Ends {
		h, need, st := p.Parse(s.Data[:end])
		if st == NeedMore {
			if need <= end || need < lastNeed {
				t.Errorf("%v: %d bytes: need %d (before: %d)", s.Src, end, need, lastNeed)
			}
			lastNeed = need
			continue
		}
		if lastNeed > h.End && st != NotTLS {
			t.Errorf("%v: need %d was more than the hello's %d bytes", s.Src, lastNeed, h.End)
		}
		return result{string(h.ServerName), st, i + 1}
	}
	return result{status: NeedMore, segments: len(s.Ends)}
}

// gopacketSNI decodes the records holding the ClientHello with gopacket's
// layers.TLS, which reassembles a hello fragmented over records.
func gopacketSNI(data []byte) (string, bool) {
	var tl layers.TLS
	if err := tl.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err != nil {
		return "", false
	}
	for _, h := range tl.Handshake {
		if h.ClientHello.HandshakeType == typeClientHello {
			return string(h.ClientHello.SNI), true
		}
	}
	return "", false
}

// recordsEnd returns the end of the record holding the byte before end.
func recordsEnd(stream []byte, end int) int {
	off := 0
	for off < end && off+recordHeader <= len(stream) {
		off += recordHeader + (int(stream[off+3])<<8 | int(stream[off+4]))
	}
	return min(off, len(stream))
}

func TestCaptures(t *testing.T) {
	for _, c := range []struct {
		file     string
		want     []string // server names expected among the results
		minFound int
		split    bool // some hello arrives in more than one segment
	}{
		// SOURCES.md: "TLS SNIs *.teams.microsoft.com, login.microsoftonline.com,
		// substrate.office.com, *.skype.com".
		{"teams-excerpt.pcap", []string{"login.microsoftonline.com", "teams.microsoft.com", "substrate.office.com", "eu-api.asm.skype.com", "config.teams.microsoft.com"}, 30, false},
		{"tls_certificate_too_long-excerpt.pcap", []string{"wdcp.microsoft.com"}, 6, false},
		// ClientHello split across 2 TCP segments.
		{"codm.pcap", []string{"west-tdm.codmwest.com"}, 1, true},
		{"dingtalk.pcap", []string{"static.dingtalk.com"}, 1, true},
	} {
		t.Run(c.file, func(t *testing.T) {
			var p Parser
			got := map[string]bool{}
			found, split := 0, false
			for _, s := range pcaptest.TCPStreams(pcaptest.Read(t, pcaptest.Testdata(c.file))) {
				r := feed(t, &p, s)
				if r.status != Found {
					continue
				}
				found++
				got[r.sni] = true
				split = split || r.segments > 1
				h, _, _ := p.Parse(s.Data)
				if g, ok := gopacketSNI(s.Data[:recordsEnd(s.Data, h.End)]); !ok || g != r.sni {
					t.Errorf("%v: SNI %q, gopacket %q (%v)", s.Src, r.sni, g, ok)
				}
			}
			for _, w := range c.want {
				if !got[w] {
					t.Errorf("no %s among %v", w, keys(got))
				}
			}
			if found < c.minFound || split != c.split {
				t.Errorf("%d found, want %d; split over segments %v, want %v", found, c.minFound, split, c.split)
			}
		})
	}
}

// TestHugeClientHello: nDPI's 11 KB ClientHello without server_name,
// reassembled from many segments: NeedMore with the exact need until the
// last one, then NoSNI.
func TestHugeClientHello(t *testing.T) {
	n := 0
	for _, s := range pcaptest.TCPStreams(pcaptest.Read(t, pcaptest.Testdata("tls_with_huge_ch-excerpt.pcap"))) {
		if s.Dst.Port() != 443 {
			continue
		}
		var p Parser
		total := recordHeader + int(s.Data[3])<<8 | int(s.Data[4])
		r := feed(t, &p, s)
		if r.status != NoSNI || r.segments < 8 {
			t.Errorf("%v: %v after %d segments", s.Src, r.status, r.segments)
		}
		for _, end := range s.Ends[:r.segments-1] {
			if _, need, _ := p.Parse(s.Data[:end]); need != total {
				t.Errorf("%v: need %d at %d, want %d", s.Src, need, end, total)
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no client stream")
	}
}

// TestMissingFragment: a segment of the hello was never captured, so the
// stream stays NeedMore; need says how much the record announces.
func TestMissingFragment(t *testing.T) {
	for _, s := range pcaptest.TCPStreams(pcaptest.Read(t, pcaptest.Testdata("tls_missing_ch_frag.pcap"))) {
		if s.Dst.Port() != 443 {
			continue
		}
		if !s.Gap {
			t.Error("reassembly found no gap")
		}
		if _, need, st := ClientHelloSNI(s.Data); st != NeedMore || need != 5+0x5dc {
			t.Errorf("%v need %d", st, need)
		}
		return
	}
	t.Fatal("no client stream")
}

// TestSharedCorpus compares with gopacket on every TCP stream of the
// shared corpus that starts like a TLS record, when the corpus is here.
func TestSharedCorpus(t *testing.T) {
	dir := pcaptest.SharedDir()
	if dir == "" || testing.Short() {
		t.Skip("shared capture corpus not present")
	}
	var p Parser
	counts := map[Status]int{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			return nil
		}
		pkts, _ := pcaptest.ReadFile(path)
		for _, s := range pcaptest.TCPStreams(pkts) {
			h, _, st := p.Parse(s.Data)
			counts[st]++
			if st == NotTLS && len(s.Data) > 0 && s.Data[0] == typeHandshake {
				// Stricter than gopacket is fine; say where.
				if g, ok := gopacketSNI(completeRecords(s.Data)); ok {
					t.Logf("%s %v: NotTLS, gopacket finds a ClientHello (SNI %q)", path, s.Src, g)
				}
			}
			if st != Found && st != NoSNI {
				continue
			}
			g, ok := gopacketSNI(s.Data[:recordsEnd(s.Data, h.End)])
			if !ok || g != string(h.ServerName) {
				t.Errorf("%s %v: %v %q, gopacket %q (%v)", path, s.Src, st, h.ServerName, g, ok)
			}
		}
		return nil
	})
	t.Logf("TCP streams: %v", counts)
}

func keys(m map[string]bool) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

// completeRecords returns the prefix of stream made of whole records.
func completeRecords(stream []byte) []byte {
	off := 0
	for off+recordHeader <= len(stream) {
		next := off + recordHeader + (int(stream[off+3])<<8 | int(stream[off+4]))
		if next > len(stream) {
			break
		}
		off = next
	}
	return stream[:off]
}
