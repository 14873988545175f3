package http

import (
	"bufio"
	"bytes"
	nethttp "net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/classify/proto/internal/pcaptest"
)

// feed gives Request the stream as it grew, one TCP segment at a time.
func feed(s *pcaptest.Stream) (Req, Status, int) {
	for i, end := range s.Ends {
		r, st := Request(s.Data[:end])
		if st != NeedMore {
			return r, st, i + 1
		}
	}
	return Req{}, NeedMore, len(s.Ends)
}

func TestCaptures(t *testing.T) {
	for _, c := range []struct {
		file  string
		hosts []string // every Host found, sorted, deduplicated
		not   int      // client streams expected NotHTTP
	}{
		// SOURCES.md: "Host: bits.wikimedia.org, meta.wikimedia.org, upload.wikimedia.org"
		{"wikipedia.pcap", []string{"bits.wikimedia.org", "meta.wikimedia.org", "upload.wikimedia.org", "www.wikipedia.org"}, 0},
		{"http-vlan-0.pcap", []string{"bro.org"}, 0},
		// The Host header is an IP literal.
		{"windowsupdate_over_http.pcap", []string{"151.99.72.125"}, 0},
		{"tls_certificate_too_long-excerpt.pcap", []string{"www.microsoft.com"}, 8},
		{"vnd.ms-cab-compressed-multi-conn-excerpt.pcap", []string{"au.download.windowsupdate.com"}, 0},
		// An HTTP/2 prior-knowledge connection on port 80.
		{"app-layer-protocol-exact.pcap", nil, 1},
		// TLS client streams.
		{"codm.pcap", nil, 1},
	} {
		t.Run(c.file, func(t *testing.T) {
			hosts := map[string]bool{}
			not := 0
			for _, s := range pcaptest.TCPStreams(pcaptest.Read(t, pcaptest.Testdata(c.file))) {
				if s.Dst.Port() != 80 && s.Dst.Port() != 443 && s.Dst.Port() != 8013 {
					continue // server side
				}
				r, st, _ := feed(s)
				switch st {
				case Found:
					hosts[string(r.Host)] = true
					if err := stdlibCheck(s.Data, r); err != nil {
						t.Errorf("%v: %v", s.Src, err)
					}
				case NotHTTP:
					not++
				default:
					t.Errorf("%v: %v after %d bytes", s.Src, st, len(s.Data))
				}
			}
			var got []string
			for h := range hosts {
				got = append(got, h)
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(c.hosts, " ") || not != c.not {
				t.Errorf("hosts %q and %d NotHTTP, want %q and %d", got, not, c.hosts, c.not)
			}
		})
	}
}

// TestSharedCorpus: every client stream of the shared corpus that Request
// finds a head in must parse the same with net/http (when present).
func TestSharedCorpus(t *testing.T) {
	dir := pcaptest.SharedDir()
	if dir == "" || testing.Short() {
		t.Skip("shared capture corpus not present")
	}
	counts := map[Status]int{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			return nil
		}
		pkts, _ := pcaptest.ReadFile(path)
		for _, s := range pcaptest.TCPStreams(pkts) {
			r, st := Request(s.Data)
			counts[st]++
			switch st {
			case Found:
				if err := stdlibCheck(s.Data, r); err != nil {
					t.Errorf("%s %v: %v", path, s.Src, err)
				}
			case NotHTTP:
				// Stricter than net/http is allowed; say where.
				if req, err := nethttp.ReadRequest(bufio.NewReader(bytes.NewReader(s.Data))); err == nil {
					t.Logf("%s %v: NotHTTP, net/http reads %s %s (Host %q)", path, s.Src, req.Method, req.RequestURI, req.Host)
				}
			}
		}
		return nil
	})
	t.Logf("TCP streams: %v", counts)
}
