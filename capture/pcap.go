package capture

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Classic pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html):
// a 24-byte file header, then records of a 16-byte header (seconds, fraction,
// captured length, original length) and the captured bytes.
//
// The reader is our own rather than pcapgo.Reader for three reasons: messages
// carry byte offsets; after a corrupt record length it resynchronises instead
// of stopping (pcapgo returns an error and the next read lands in the middle
// of a packet); and records are returned as slices of a large read buffer
// rather than copied out of a bufio.Reader.
const (
	pcapFileHeaderLen   = 24
	pcapRecordHeaderLen = 16

	// Records up to libpcap's MAXIMUM_SNAPLEN are accepted whatever snap
	// length the file header declares, as libpcap, Wireshark and pcapgo do:
	// some writers (dpkt, old pcapgo) do not truncate to the snap length they
	// declare.
	minRecordLimit = 262144
	// A declared snap length above this (libpcap's largest per-link-type
	// maximum, D-Bus) is treated as this, so that a damaged header cannot
	// make the reader trust a 4 GiB record.
	maxRecordLimit = 128 << 20
)

const (
	magicMicro   = 0xa1b2c3d4
	magicNano    = 0xa1b23c4d
	magicPcapng  = 0x0a0d0d0a
	magicGzip0   = 0x1f
	magicGzip1   = 0x8b
	pcapVersion2 = 2
	// DG/UX tcpdump wrote version 543.0 with the lengths in pre-2.3 order.
	pcapVersionDGUX = 543
)

// lengthOrder says where a record header keeps its two lengths. Version 2.3
// swapped them to match BPF; files older than that, and some labelled 2.3,
// have the old order (libpcap's SWAPPED / MAYBE_SWAPPED).
type lengthOrder uint8

const (
	lengthsNormal lengthOrder = iota
	lengthsSwapped
	lengthsMaybeSwapped
)

// pcapSource reads one classic pcap stream.
type pcapSource struct {
	input
	rd io.Reader // the (decompressed) stream

	// buf[r:w] holds bytes read but not yet consumed; base is the stream
	// offset of buf[0]. Packets handed out are slices of buf.
	buf  []byte
	hold *Hold // buf's hold (Options.Holds), else nil
	r, w int
	base int64
	eof  bool
	rerr error // read error other than io.EOF, reported once buffered records are used up
	done bool  // io.EOF or a fatal problem was returned

	bigEndian bool
	fracMul   int64  // nanoseconds per unit of the fraction field (1000 or 1)
	fracLimit uint32 // units per second (1e6 or 1e9), for plausibility only
	lengths   lengthOrder
	snaplen   uint32 // as declared
	limit     uint32 // largest record accepted
	link      LinkType

	number   uint64 // records seen, damaged ones included
	prevTime int64  // time of the last good packet
	havePrev bool
	window   int64 // resynchronisation timestamp window, ns
}

// recordHeader is a decoded record header.
type recordHeader struct {
	sec, frac, caplen, origlen uint32
}

// newPcap reads the file header from rd and returns a source positioned at
// the first record.
func newPcap(in input, rd io.Reader, opts Options) (*pcapSource, error) {
	s := &pcapSource{
		input:  in,
		rd:     rd,
		window: opts.resyncWindow(),
	}
	if opts.Holds != nil {
		s.hold = opts.Holds.get(0)
		s.buf = s.hold.buf
	} else {
		s.buf = make([]byte, opts.bufferSize())
	}
	if !s.fill(pcapFileHeaderLen) {
		if s.rerr != nil {
			return nil, s.problem(s.base+int64(s.w), 0, true, "read error in the file header: %v", s.rerr)
		}
		return nil, s.problem(-1, 0, true, "truncated pcap file header (%d of %d bytes)", s.w, pcapFileHeaderLen)
	}
	h := s.buf[:pcapFileHeaderLen]
	var bo binary.ByteOrder = binary.LittleEndian
	magic := binary.LittleEndian.Uint32(h)
	if magic != magicMicro && magic != magicNano {
		bo = binary.BigEndian
		magic = binary.BigEndian.Uint32(h)
		s.bigEndian = true
	}
	switch magic {
	case magicMicro:
		s.fracMul, s.fracLimit = 1000, 1e6
	case magicNano:
		s.fracMul, s.fracLimit = 1, 1e9
	default:
		return nil, s.problem(-1, 0, true, "not a pcap file (starts with %s)", hexPrefix(h[:4]))
	}
	major, minor := bo.Uint16(h[4:]), bo.Uint16(h[6:])
	switch {
	case major == pcapVersion2 && minor >= 4:
		s.lengths = lengthsNormal
	case major == pcapVersion2 && minor == 3:
		s.lengths = lengthsMaybeSwapped
	case major == pcapVersion2 || major == pcapVersionDGUX:
		s.lengths = lengthsSwapped
	default:
		return nil, s.problem(4, 0, true, "unknown pcap version %d.%d (this reader knows 2.x)", major, minor)
	}
	s.snaplen = bo.Uint32(h[16:])
	s.limit = s.snaplen
	if s.limit < minRecordLimit {
		s.limit = minRecordLimit
	}
	if s.limit > maxRecordLimit {
		s.limit = maxRecordLimit
	}
	s.link = canonicalLink(bo.Uint32(h[20:]))
	s.r = pcapFileHeaderLen
	return s, nil
}

// header decodes the record header at buf[i:i+16].
func (s *pcapSource) header(i int) recordHeader {
	b := s.buf[i : i+pcapRecordHeaderLen]
	var h recordHeader
	if s.bigEndian {
		h = recordHeader{binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:]), binary.BigEndian.Uint32(b[12:])}
	} else {
		h = recordHeader{binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint32(b[12:])}
	}
	switch s.lengths {
	case lengthsSwapped:
		h.caplen, h.origlen = h.origlen, h.caplen
	case lengthsMaybeSwapped:
		if h.caplen > h.origlen {
			h.caplen, h.origlen = h.origlen, h.caplen
		}
	}
	return h
}

func (s *pcapSource) time(h recordHeader) int64 {
	return int64(h.sec)*1e9 + int64(h.frac)*s.fracMul
}

// OneInterface implements Source: a classic pcap file has one link type
// and no interface numbers.
func (s *pcapSource) OneInterface() (LinkType, bool) { return s.link, true }

// Next implements Source. The common path is: header and data already in
// the buffer, lengths sane; everything else is out of line.
func (s *pcapSource) Next(p *Packet) error {
	if s.w-s.r < pcapRecordHeaderLen && !s.fill(pcapRecordHeaderLen) {
		return s.short(false, 0)
	}
	h := s.header(s.r)
	if h.caplen > s.limit || h.caplen > h.origlen {
		return s.resync(h)
	}
	n := pcapRecordHeaderLen + int(h.caplen)
	if s.w-s.r < n && !s.fill(n) {
		return s.short(true, h.caplen)
	}
	start := s.r + pcapRecordHeaderLen
	end := s.r + n
	t := s.time(h)
	s.number++
	*p = Packet{
		Data:   s.buf[start:end:end],
		Time:   t,
		Length: int(h.origlen),
		Link:   s.link,
		File:   s.index,
		Number: s.number,
		Hold:   s.hold,
	}
	s.r = end
	s.prevTime, s.havePrev = t, true
	s.stats.Packets++
	s.stats.Bytes += uint64(h.caplen)
	return nil
}

// fill reads until at least n bytes are buffered at buf[r:]. It returns false
// when the stream ended (eof) or failed (rerr) first. It moves the unread
// bytes to the front of the buffer when they would not fit, and grows the
// buffer (doubling) only when it is full of unread bytes: a length claimed by
// a damaged file costs no more memory than twice the bytes really there.
func (s *pcapSource) fill(n int) bool {
	if s.w-s.r >= n {
		return true
	}
	if s.eof || s.rerr != nil {
		return false
	}
	if s.r+n > len(s.buf) && s.r > 0 && s.hold != nil {
		// Packets may still point into this buffer: carry the unread
		// bytes over to a fresh one instead of moving them to the front.
		s.swapHold(len(s.buf))
	} else if s.r+n > len(s.buf) && s.r > 0 {
		copy(s.buf, s.buf[s.r:s.w])
		s.base += int64(s.r)
		s.w -= s.r
		s.r = 0
	}
	empty := 0
	for s.w-s.r < n {
		if s.w == len(s.buf) && s.hold != nil {
			s.swapHold(2 * len(s.buf))
		} else if s.w == len(s.buf) {
			nb := make([]byte, 2*len(s.buf))
			copy(nb, s.buf[s.r:s.w])
			s.base += int64(s.r)
			s.w -= s.r
			s.r = 0
			s.buf = nb
		}
		m, err := s.rd.Read(s.buf[s.w:])
		s.w += m
		if err != nil {
			if err == io.EOF {
				s.eof = true
			} else {
				s.rerr = err
			}
			return s.w-s.r >= n
		}
		if m == 0 {
			if empty++; empty > 100 {
				s.rerr = io.ErrNoProgress
				return false
			}
		}
	}
	return true
}

// swapHold moves the unread bytes into a fresh held buffer of at least
// size bytes and releases the source's hold on the old one.
func (s *pcapSource) swapHold(size int) {
	h := s.hold.pool.get(size)
	copy(h.buf, s.buf[s.r:s.w])
	s.base += int64(s.r)
	s.w -= s.r
	s.r = 0
	s.hold.Release()
	s.hold, s.buf = h, h.buf
}

// Close releases the file and the source's hold on its buffer.
func (s *pcapSource) Close() error {
	if s.hold != nil {
		s.hold.Release()
		s.hold = nil
	}
	return s.input.Close()
}

// short handles a stream that ends (or fails) before a whole record header
// (haveHeader false) or a whole record of caplen bytes.
func (s *pcapSource) short(haveHeader bool, caplen uint32) error {
	if s.done {
		return io.EOF
	}
	have := s.w - s.r
	off := s.base + int64(s.r)
	if s.rerr != nil {
		s.done = true
		s.r = s.w
		return s.problem(s.base+int64(s.w), s.number+1, true, "read error: %v", s.rerr)
	}
	if have == 0 {
		s.done = true
		return io.EOF
	}
	// A truncated last record: report it, then io.EOF.
	s.number++
	s.r = s.w
	s.stats.Skipped++
	s.stats.SkippedBytes += int64(have)
	if !haveHeader {
		return s.problem(off, s.number, false, "truncated record header: the file ends %d bytes into it", have)
	}
	return s.problem(off, s.number, false, "truncated record: it claims %d bytes, the file ends after %d", caplen, have-pcapRecordHeaderLen)
}

// plausible reports whether h could be a genuine record header: lengths
// within bounds, a valid fraction, and (when ref is set) a timestamp within
// the window of ref. It is stricter than what Next accepts, since it guesses.
func (s *pcapSource) plausible(h recordHeader, ref int64, haveRef bool) bool {
	if h.caplen > s.limit || h.caplen > h.origlen || h.origlen > s.limit || h.frac >= s.fracLimit {
		return false
	}
	if !haveRef {
		return true
	}
	d := s.time(h) - ref
	return d <= s.window && d >= -s.window
}

// resync handles a record header at buf[r:] whose lengths are impossible. It
// scans forward, byte by byte, for the next offset holding a plausible
// header whose successor is plausible too (or which ends exactly at the end
// of the file), skips to it and reports the skipped range. The damaged
// record takes a packet number.
func (s *pcapSource) resync(bad recordHeader) error {
	off := s.base + int64(s.r)
	s.number++
	num := s.number
	var why string
	switch {
	case bad.caplen <= s.limit:
		why = fmt.Sprintf("record claims %d captured bytes of a %d-byte packet", bad.caplen, bad.origlen)
	case s.snaplen > 0 && s.snaplen < bad.caplen:
		why = fmt.Sprintf("record claims %d bytes, more than the snap length %d", bad.caplen, s.snaplen)
	default:
		why = fmt.Sprintf("record claims %d bytes, more than the largest record accepted (%d)", bad.caplen, s.limit)
	}
	s.stats.Skipped++

	pos := s.r + 1
	for {
		if s.w-pos < pcapRecordHeaderLen {
			s.r = pos
			if !s.fill(pcapRecordHeaderLen) {
				return s.giveUp(off, num, why)
			}
			pos = s.r
		}
		c := s.header(pos)
		if !s.plausible(c, s.prevTime, s.havePrev) {
			pos++
			continue
		}
		// The candidate looks right; its successor must too.
		s.r = pos
		need := 2*pcapRecordHeaderLen + int(c.caplen)
		if !s.fill(need) {
			if s.rerr != nil {
				return s.giveUp(off, num, why)
			}
			if s.w-s.r != pcapRecordHeaderLen+int(c.caplen) {
				pos = s.r + 1 // runs past the end, or a torn header follows
				continue
			}
			// The candidate is the last record of the file.
		} else if !s.plausible(s.header(s.r+pcapRecordHeaderLen+int(c.caplen)), s.time(c), true) {
			pos = s.r + 1
			continue
		}
		to := s.base + int64(s.r)
		s.stats.SkippedBytes += to - off
		return s.problem(off, num, false, "%s; skipped %d bytes to the next plausible record at byte %d", why, to-off, to)
	}
}

// giveUp ends a resynchronisation that found no plausible record before the
// end of the stream.
func (s *pcapSource) giveUp(off int64, num uint64, why string) error {
	s.r = s.w
	end := s.base + int64(s.w)
	s.stats.SkippedBytes += end - off
	if s.rerr != nil {
		s.done = true
		return s.problem(off, num, true, "%s; no plausible record found before a read error at byte %d: %v", why, end, s.rerr)
	}
	return s.problem(off, num, false, "%s; no plausible record in the remaining %d bytes", why, end-off)
}
