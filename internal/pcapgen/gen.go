package main

import (
	"bufio"
	"cmp"
	"container/heap"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Config says what to generate.
type Config struct {
	Packets int     // packets to write
	Seed    uint64  // the same Seed and Packets give the same bytes
	Nano    bool    // nanosecond timestamps instead of microsecond
	Pcapng  bool    // pcapng (one interface, nanosecond timestamps) instead of classic pcap
	Rate    float64 // new sessions per second
}

// Stats says what was written.
type Stats struct {
	Packets, Bytes  int64
	Sessions, Flows int
	Kinds           map[string]*KindStats
	Span            time.Duration // from the first packet to the last
	MaxActive       int           // most sessions under way at once
}

// KindStats counts the sessions of a kind and the packets written for them.
type KindStats struct{ Sessions, Packets, Bytes int64 }

// epoch is the time of the first session.
var epoch = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// kinds are the session kinds and their weights among new sessions.
var kinds = []struct {
	name   string
	weight int
	start  func(*gen, *session)
}{
	{"tls", 330, (*gen).tlsSession},
	{"dns", 260, (*gen).dnsSession},
	{"dns-tcp", 4, (*gen).dnsTCPSession},
	{"http", 40, (*gen).httpSession},
	{"connect", 15, (*gen).connectSession},
	{"rpc", 15, (*gen).rpcSession},
	{"smb", 12, (*gen).smbSession},
	{"sql", 10, (*gen).sqlSession},
	{"notify", 10, (*gen).notifySession},
	{"wsus", 12, (*gen).wsusSession},
	{"ldap", 30, (*gen).ldapSession},
	{"cassandra", 15, (*gen).cassandraSession},
	{"cassandra-internode", 8, (*gen).internodeSession},
	{"exposure", 2, (*gen).exposureSession},
	{"dhcp", 8, (*gen).dhcpSession},
	{"tftp", 2, (*gen).tftpSession},
	{"ntp", 15, (*gen).ntpSession},
	{"netbios", 20, (*gen).netbiosSession},
	{"sql-browser", 4, (*gen).sqlBrowserSession},
	{"syn-unanswered", 25, (*gen).synUnansweredSession},
	{"syn-rst", 20, (*gen).synRSTSession},
	{"udp-unreachable", 20, (*gen).udpUnreachableSession},
	{"udp-unanswered", 15, (*gen).udpUnansweredSession},
	{"ping", 10, (*gen).pingSession},
}

// A session is one piece of activity (a lookup and the connection it leads to, a failed
// attempt...): its packets, over one or more flows, in time order.
type session struct {
	id    uint64
	kind  *KindStats
	flows []*flow
	pkts  []pkt
	next  int
}

// A pkt describes one packet; gen.frame builds its bytes when it is written.
type pkt struct {
	t        int64  // nanoseconds since epoch
	data     []byte // payload bytes, then fill bytes of filler
	seq, ack uint32 // TCP; elsewhere seq picks the filler
	moff     uint32 // modeRecords: offset in the message; modeFrag: fragment offset in bytes
	mlen     uint32 // modeRecords: message length
	fill     uint16
	id       uint16 // IPv4 identification; 0: the flow's next one
	flow     uint8  // index in session.flows
	dir      uint8  // 0: from the flow's originator, 1: back
	flags    uint8  // TCP flags; modeFrag: 1 for more fragments
	mode     uint8
}

const (
	modePlain   = iota
	modeRecords // the payload is a message of TLS application-data records
	modeFrag    // an IPv4 fragment of a prebuilt ICMP message
)

type gen struct {
	cfg    Config
	r      *rand.Rand
	now    int64 // start of the session being built
	nextID uint64
	queue  sessionQueue
	net    *network
	filler []byte
	buf    []byte
	sbuf   gopacket.SerializeBuffer
	stats  Stats
}

// Generate writes cfg.Packets packets to w as a pcap file.
func Generate(w io.Writer, cfg Config) (Stats, error) {
	g := &gen{
		cfg:    cfg,
		r:      rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		buf:    make([]byte, 0, 16<<10),
		sbuf:   gopacket.NewSerializeBuffer(),
		filler: make([]byte, fillerSize+2048),
		stats:  Stats{Kinds: map[string]*KindStats{}},
	}
	for i := range g.filler {
		g.filler[i] = byte(g.r.Uint32())
	}
	g.net = newNetwork(g.r)

	bw := bufio.NewWriterSize(w, 1<<20)
	var pw packetWriter
	switch {
	case cfg.Pcapng:
		ng, err := pcapgo.NewNgWriterInterface(bw, pcapgo.NgInterface{LinkType: layers.LinkTypeEthernet, SnapLength: 65535, TimestampResolution: 9},
			pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "flowaudit pcapgen"}})
		if err != nil {
			return g.stats, err
		}
		pw = ng
	default:
		classic := pcapgo.NewWriter(bw)
		if cfg.Nano {
			classic = pcapgo.NewWriterNanos(bw)
		}
		if err := classic.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
			return g.stats, err
		}
		pw = classic
	}
	total := 0
	for _, k := range kinds {
		total += k.weight
		g.stats.Kinds[k.name] = &KindStats{}
	}
	var arrival, first, last int64
	for g.stats.Packets < int64(cfg.Packets) {
		if len(g.queue) == 0 || arrival <= g.queue.nextTime() {
			g.now = arrival
			s := &session{id: g.nextID}
			g.nextID++
			n := g.r.IntN(total)
			for _, k := range kinds {
				if n -= k.weight; n < 0 {
					s.kind = g.stats.Kinds[k.name]
					s.kind.Sessions++
					k.start(g, s)
					break
				}
			}
			g.launch(s)
			arrival += int64(g.r.ExpFloat64() / cfg.Rate * 1e9)
			continue
		}
		s := g.queue[0]
		p := &s.pkts[s.next]
		data := g.frame(s.flows[p.flow], p)
		ci := gopacket.CaptureInfo{Timestamp: epoch.Add(time.Duration(p.t)), CaptureLength: len(data), Length: len(data)}
		if err := pw.WritePacket(ci, data); err != nil {
			return g.stats, err
		}
		if g.stats.Packets == 0 {
			first = p.t
		}
		last = p.t
		g.stats.Packets++
		g.stats.Bytes += int64(len(data))
		s.kind.Packets++
		s.kind.Bytes += int64(len(data))
		if s.next++; s.next == len(s.pkts) {
			heap.Pop(&g.queue)
		} else {
			heap.Fix(&g.queue, 0)
		}
	}
	g.stats.Span = time.Duration(last - first)
	if ng, ok := pw.(*pcapgo.NgWriter); ok {
		if err := ng.Flush(); err != nil {
			return g.stats, err
		}
	}
	return g.stats, bw.Flush()
}

// packetWriter is what pcapgo's Writer and NgWriter share.
type packetWriter interface {
	WritePacket(ci gopacket.CaptureInfo, data []byte) error
}

// launch queues a session built by a start function.
func (g *gen) launch(s *session) {
	if len(s.pkts) == 0 {
		return
	}
	slices.SortStableFunc(s.pkts, func(a, b pkt) int { return cmp.Compare(a.t, b.t) })
	g.stats.Sessions++
	g.stats.Flows += len(s.flows)
	heap.Push(&g.queue, s)
	g.stats.MaxActive = max(g.stats.MaxActive, len(g.queue))
}

// add appends a flow to the session and returns its index.
func (s *session) add(f *flow) uint8 {
	s.flows = append(s.flows, f)
	return uint8(len(s.flows) - 1)
}

// sessionQueue is a min-heap of sessions by the time of their next packet.
type sessionQueue []*session

func (q sessionQueue) nextTime() int64 { return q[0].pkts[q[0].next].t }
func (q sessionQueue) Len() int        { return len(q) }
func (q sessionQueue) Less(i, j int) bool {
	a, b := q[i].pkts[q[i].next].t, q[j].pkts[q[j].next].t
	return a < b || a == b && q[i].id < q[j].id
}
func (q sessionQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *sessionQueue) Push(x any)   { *q = append(*q, x.(*session)) }
func (q *sessionQueue) Pop() any {
	old := *q
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return s
}

// Random helpers.

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns a log-uniform value in [lo, hi).
func (g *gen) between(lo, hi float64) float64 {
	return lo * math.Exp(g.r.Float64()*math.Log(hi/lo))
}

// ms returns a log-uniform duration between lo and hi milliseconds, in nanoseconds.
func (g *gen) ms(lo, hi float64) int64 { return int64(g.between(lo, hi) * 1e6) }

// size returns a log-normal size with the given median, clamped to [lo, hi].
func (g *gen) size(median, sigma float64, lo, hi int) int {
	v := int(median * math.Exp(sigma*g.r.NormFloat64()))
	return min(max(v, lo), hi)
}

// count returns 1 plus a geometric number with mean m-1.
func (g *gen) count(m float64) int {
	n := 1
	for g.r.Float64() > 1/m && n < 1000 {
		n++
	}
	return n
}

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// v6 says whether a client uses IPv6 with an external service (or the other clients).
func (g *gen) v6() bool { return g.chance(0.18) }
