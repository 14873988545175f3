// Package capture reads packet-capture files for offline replay: classic pcap
// (all four magics: microsecond and nanosecond timestamps, either byte
// order), pcapng, and gzip-compressed forms of both, from files or standard
// input, one at a time or several merged in time order.
//
// # Why it exists
//
// The auditor replays captures that are large (millions of packets) and often
// damaged (cut-off downloads, fuzzed regression files, captures copied off a
// crashed box). Two properties matter more than anything else:
//
//   - Speed without garbage. [Source.Next] fills a caller-owned [Packet] whose
//     Data is a slice into the source's read buffer: no copy and no
//     allocation per packet (TestNoAllocs guards this). The slice is valid
//     until the next Next call on the same source.
//   - Damage is reported, located and survived, not fatal. The classic pcap
//     reader is our own (it is small) so that every message carries a byte
//     offset and a packet number, and so that after a corrupt record length it
//     resynchronises: it scans forward for the next plausible record header
//     and carries on, reporting the skipped byte range.
//
// pcapng is read with gopacket's pcapgo.NgReader, whose errors are wrapped
// into Problems; it cannot resynchronise, so damage there ends the file
// (everything read before it is kept).
//
// # Problems
//
// Next returns nil (a packet), io.EOF (the end), or a *[Problem]:
//
//   - Problem.Fatal == false: a damaged part was reported and skipped (or, in
//     a merge, one input ended early, see below). Call Next again.
//   - Problem.Fatal == true: this input cannot be read further; the next Next
//     returns io.EOF. Packets returned before it stay valid results.
//
// Opening an input that is not a capture at all ("empty file", "not a pcap or
// pcapng file (starts with 3c 68 74 6d)", an unknown version) makes [Open]
// return a fatal *Problem as its error.
//
// # Merging several inputs
//
// [OpenAll] merges inputs in timestamp order (a min-heap over per-file
// sources; ties go to the lower input index; each file's own order is kept).
// Its contract for problems: a problem in one input never stops the others.
//
//   - OpenAll itself fails only when names is empty, names standard input
//     twice, or the operating system cannot open a file (missing, permission
//     denied): those are mistakes in the request, reported before any work.
//   - Every problem of an input, including one that ends it (not a capture,
//     truncated pcapng block, read error), comes out of the merged Next as a
//     *Problem with Fatal == false. Problem.Ended tells that the input named
//     by Problem.File (index Problem.Input) stopped there; the merge goes on
//     with the others. A merged source never returns a fatal Problem, so the
//     usual loop "continue on non-fatal problems, stop on io.EOF" reads
//     everything that can be read, and a caller that wants a strict run
//     checks Ended.
//
// # Concurrency
//
// A Source and a [Bar] are used from one goroutine, the one that reads
// packets: the progress bar is driven by calls to Bar.Tick from the read loop,
// so no counters are shared between goroutines and nothing on the hot path is
// atomic.
package capture

import (
	"io"
	"time"
)

// LinkType is a pcap/pcapng LINKTYPE_ value: the link-layer header type of a
// packet (https://www.tcpdump.org/linktypes.html). Values this package does
// not name are passed through unchanged; the decoder decides what it can read.
type LinkType uint32

// Link types named by the auditor's decoder.
const (
	LinkNull      LinkType = 0   // BSD loopback, host-order 4-byte address family
	LinkEthernet  LinkType = 1   // Ethernet II / 802.3
	LinkRaw       LinkType = 101 // raw IPv4 or IPv6, version in the first nibble
	LinkLoop      LinkType = 108 // OpenBSD loopback, network-order address family
	LinkLinuxSLL  LinkType = 113 // Linux "cooked" capture v1
	LinkIPNet     LinkType = 226 // Solaris ipnet
	LinkIPv4      LinkType = 228 // raw IPv4 only
	LinkIPv6      LinkType = 229 // raw IPv6 only
	LinkNFLog     LinkType = 239 // Linux netfilter NFLOG
	LinkLinuxSLL2 LinkType = 276 // Linux "cooked" capture v2

	// DLT_RAW as some platforms' libpcap wrote it into files before
	// LINKTYPE_RAW (101) existed: 12 on most systems, 14 on OpenBSD.
	// Readers report both as LinkRaw, as Wireshark does.
	linkRawDLT12 LinkType = 12
	linkRawDLT14 LinkType = 14
)

// canonicalLink maps a link-type field from a file to the LinkType reported
// in Packet.Link: the upper 16 bits of a pcap header's field carry FCS
// information (libpcap's LT_LINKTYPE keeps the low 16), and the platform
// DLT_RAW values become LinkRaw.
func canonicalLink(v uint32) LinkType {
	l := LinkType(v & 0xffff)
	if l == linkRawDLT12 || l == linkRawDLT14 {
		return LinkRaw
	}
	return l
}

// Packet is one captured frame. Data is owned by the source and valid until
// the next Next call on it; copy it to keep it longer.
type Packet struct {
	Data   []byte
	Time   int64 // capture time, Unix nanoseconds
	Length int   // original length on the wire (may exceed len(Data))
	Link   LinkType
	Iface  uint32 // interface index in the file (pcapng IDB id within its section); 0 for classic pcap
	File   int    // index of the input among those opened together (0 for Open)
	// Number is the 1-based record number within its file. Without damage it
	// is Wireshark's frame number; a damaged record reported by a Problem
	// also takes a number, so later numbers stay comparable.
	Number uint64
	// Hold, when the source was opened with Options.Holds, keeps Data
	// valid beyond the next Next call (see Hold); nil otherwise.
	Hold *Hold
}

// Source is a stream of packets from one input or several merged ones.
type Source interface {
	// Next reads the next packet into p. It returns io.EOF at the end. A
	// *Problem with Fatal == false means a damaged part was reported and
	// skipped: call Next again. A fatal *Problem ends this input.
	Next(p *Packet) error
	// Progress reports bytes of input consumed and the total size (0 when
	// unknown: standard input, pipes). For gzip inputs both count compressed
	// bytes. Consumed includes read-ahead (at most one buffer).
	Progress() (done, total int64)
	// Stats reports what was read so far.
	Stats() Stats
	// OneInterface reports, before anything is read, that every packet
	// will have Iface 0 and Link link: a classic pcap file, or several
	// merged with one link type. ok is false when that is not known in
	// advance (pcapng declares interfaces as it goes).
	OneInterface() (link LinkType, ok bool)
	// Close releases the input files. Data of the last packet becomes invalid.
	Close() error
}

// Stats counts what a source has read.
type Stats struct {
	Packets      uint64 // packets returned
	Bytes        uint64 // captured bytes of those packets (len(Data) summed)
	Problems     int    // problems reported, fatal ones included
	Skipped      uint64 // damaged records skipped
	SkippedBytes int64  // input bytes skipped as damaged (resynchronisation, truncated records)
}

func (s *Stats) add(o Stats) {
	s.Packets += o.Packets
	s.Bytes += o.Bytes
	s.Problems += o.Problems
	s.Skipped += o.Skipped
	s.SkippedBytes += o.SkippedBytes
}

// Options tune how inputs are read. The zero value is a good default.
type Options struct {
	// BufferSize is the read buffer of each input (default 1 MiB; OpenAll
	// shrinks the default for many files, down to 64 KiB each). Classic pcap
	// records are returned as slices of it; it grows only for a record
	// larger than itself.
	BufferSize int
	// ResyncWindow bounds how far the timestamp of a candidate record may be
	// from the last good packet when resynchronising after a corrupt record
	// (default 24 hours).
	ResyncWindow time.Duration
	// Holds, when set, makes classic pcap sources read into buffers from
	// this pool and never overwrite one that packets still point into (see
	// Hold). pcapng sources ignore it (their packets have no Hold).
	Holds *Holds
}

const (
	defaultBufferSize   = 1 << 20
	minBufferSize       = 64 << 10
	defaultResyncWindow = 24 * time.Hour
)

func (o Options) bufferSize() int {
	if o.BufferSize <= 0 {
		return defaultBufferSize
	}
	if o.BufferSize < 4096 {
		return 4096
	}
	return o.BufferSize
}

func (o Options) resyncWindow() int64 {
	if o.ResyncWindow <= 0 {
		return int64(defaultResyncWindow)
	}
	return int64(o.ResyncWindow)
}

// input is what every per-file source shares: its name and index, the
// byte count for Progress, the file to close, and its statistics.
type input struct {
	name   string
	index  int
	raw    *countingReader // bytes read from the file itself (compressed for gzip)
	total  int64
	closer io.Closer
	merged bool // part of OpenAll: problems that end the file are not fatal for the caller
	stats  Stats
}

func (in *input) Progress() (done, total int64) { return in.raw.n, in.total }

func (in *input) Stats() Stats { return in.stats }

func (in *input) Close() error {
	if in.closer == nil {
		return nil
	}
	c := in.closer
	in.closer = nil
	return c.Close()
}

// countingReader counts the bytes read through it. It is called once per
// buffer fill, never per packet.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
