// Command pcapgen writes a deterministic capture of gateway-like traffic: the same -seed and
// -packets give the same bytes. It feeds the end-to-end benchmark (scripts/bench-e2e) and any
// test that needs a large, realistic capture.
//
//	go run ./internal/pcapgen -packets 5000000 -seed 1 -o /tmp/gateway.pcap
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

const usage = `usage: pcapgen [-packets N] [-seed S] [-nano | -pcapng] [-rate R] [-v] -o FILE

Writes N packets of deterministic gateway-like traffic as a classic pcap (or pcapng; Ethernet): the same
seed and N give the same bytes. FILE "-" is standard output.

The mix, interleaved sessions starting as a Poisson process at R per second:
  TLS on 443 (handshake, SNI from the built-in catalog's names and others, ~20% of ClientHellos
  over two segments with a post-quantum key share, data both ways, FIN or RST close), DNS on
  UDP 53 with A/AAAA answers and CNAME chains before the connections they name, a little DNS
  over TCP, HTTP/1.1 with Host, CONNECT through a proxy on 8080, the catalog's internal ports
  (configmgr 135 then a dynamic port, 445, 1433, 10123, 8530/8531, 389/636, 3268; Cassandra
  9042, 7001; UDP 67/68, 69, 123, 137/138, 1434), failures (SYNs unanswered and retransmitted
  at 1 s and 3 s, SYNs answered by RST, UDP answered by ICMP port unreachable, UDP unanswered),
  pings (a few fragmented), ~15% IPv6, ~10% 802.1Q-tagged frames. Internal hosts are in
  10.0.0.0/16 and fd00::/48, RTTs to external servers 1-50 ms.

Flags:
`

func main() {
	var cfg Config
	flag.IntVar(&cfg.Packets, "packets", 100000, "write `N` packets")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "random seed `S`: the same S and N give the same bytes")
	flag.BoolVar(&cfg.Nano, "nano", false, "nanosecond timestamps (default microsecond)")
	flag.BoolVar(&cfg.Pcapng, "pcapng", false, "write pcapng (one Ethernet interface, nanosecond timestamps) instead of classic pcap")
	flag.Float64Var(&cfg.Rate, "rate", 2000, "new sessions per second (mean `R` of the Poisson arrivals)")
	out := flag.String("o", "", "output `FILE` (- for standard output)")
	verbose := flag.Bool("v", false, "print what was written (packets, bytes, sessions by kind, speed) to standard error")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), usage)
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || cfg.Packets < 0 || cfg.Rate <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(cfg, *out, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "pcapgen:", err)
		os.Exit(1)
	}
}

func run(cfg Config, out string, verbose bool) error {
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	begin := time.Now()
	st, err := Generate(w, cfg)
	if err != nil {
		return err
	}
	if c, ok := w.(io.Closer); ok && out != "-" {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if verbose {
		el := time.Since(begin)
		fmt.Fprintf(os.Stderr, "%d packets, %d bytes (%.0f per packet), %s of traffic, %d sessions (at most %d at once), %d flows; written in %.2fs (%.2f Mpps, %.0f MB/s)\n",
			st.Packets, st.Bytes, float64(st.Bytes)/float64(max(st.Packets, 1)), st.Span.Round(time.Millisecond),
			st.Sessions, st.MaxActive, st.Flows, el.Seconds(), float64(st.Packets)/el.Seconds()/1e6, float64(st.Bytes)/el.Seconds()/1e6)
		kinds := make([]string, 0, len(st.Kinds))
		for k := range st.Kinds {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			ks := st.Kinds[k]
			fmt.Fprintf(os.Stderr, "  %-20s %7d sessions %9d packets (%4.1f%%) %6.0f bytes per packet\n", k, ks.Sessions, ks.Packets,
				100*float64(ks.Packets)/float64(max(st.Packets, 1)), float64(ks.Bytes)/float64(max(ks.Packets, 1)))
		}
	}
	return nil
}
