package tls

// reader reads the bytes of one handshake message out of a stream of TLS
// records without reassembling them: it walks from one record's fragment
// to the next, validating each record header as it reaches it. A read that
// needs bytes the stream does not have yet sets state to NeedMore; a read
// past the message, or a bad record header, sets NotTLS. After the first
// failure every read returns zero and state stays as it was, so a parser
// can read a whole structure and check state once.
type reader struct {
	s       []byte
	pos     int // offset in s of the next handshake byte
	end     int // offset in s where the current fragment ends; may be > len(s)
	left    int // bytes of the message (or, before its header, of the header) left
	hdrDone bool
	state   Status // 0 while every read succeeded
	// scratch receives a field that straddles two records; it is the
	// Parser's buffer, handed over by value and given back.
	scratch []byte
}

const (
	recordHeader  = 5
	maxFragment   = 1 << 14 // RFC 8446 5.1: a plaintext fragment is at most 2^14
	typeHandshake = 22
)

// bad marks the message malformed, unless a read already failed: a check
// made on the zero values of failed reads must not turn NeedMore into
// NotTLS.
func (r *reader) bad() {
	if r.state == 0 {
		r.state = NotTLS
	}
}

// avail makes the next byte readable, moving to the next record when the
// current fragment is used up, and returns how many bytes of the current
// fragment are in the stream from pos on (0 after a failure).
func (r *reader) avail() int {
	if r.state != 0 {
		return 0
	}
	if r.pos == r.end && !r.nextRecord() {
		return 0
	}
	n := min(r.end, len(r.s)) - r.pos
	if n <= 0 {
		r.state = NeedMore
		return 0
	}
	return n
}

// nextRecord checks the record header at r.end (each byte as soon as the
// stream has it, so that a non-TLS stream is rejected early) and enters
// its fragment.
func (r *reader) nextRecord() bool {
	h, s := r.end, r.s
	switch {
	case h >= len(s):
		r.state = NeedMore
	case s[h] != typeHandshake:
		r.state = NotTLS
	case h+1 < len(s) && s[h+1] != 3: // TLS versions are 0x03xx
		r.state = NotTLS
	case h+recordHeader > len(s):
		r.state = NeedMore
	default:
		n := int(s[h+3])<<8 | int(s[h+4])
		if n == 0 || n > maxFragment { // RFC 8446 5.1: no empty handshake fragments
			r.state = NotTLS
			return false
		}
		r.pos, r.end = h+recordHeader, h+recordHeader+n
		return true
	}
	return false
}

// take accounts for n bytes of the message about to be read; reading past
// the message's end is malformed.
func (r *reader) take(n int) bool {
	if r.state != 0 {
		return false
	}
	if n > r.left {
		r.state = NotTLS
		return false
	}
	return true
}

func (r *reader) u8() int {
	if !r.take(1) || r.avail() == 0 {
		return 0
	}
	b := r.s[r.pos]
	r.pos++
	r.left--
	return int(b)
}

func (r *reader) u16() int { return r.u8()<<8 | r.u8() }

func (r *reader) u24() int { return r.u8()<<16 | r.u8()<<8 | r.u8() }

func (r *reader) skip(n int) {
	if !r.take(n) {
		return
	}
	for n > 0 {
		k := min(n, r.avail())
		if k == 0 {
			return
		}
		r.pos += k
		r.left -= k
		n -= k
	}
}

// bytes returns the next n bytes: a sub-slice of the stream when they lie
// in one fragment, else a copy in scratch. Its capacity is cut to its
// length.
func (r *reader) bytes(n int) []byte {
	if !r.take(n) || r.avail() == 0 {
		return nil
	}
	if r.pos+n <= r.end {
		if r.pos+n > len(r.s) {
			r.state = NeedMore
			return nil
		}
		b := r.s[r.pos : r.pos+n : r.pos+n]
		r.pos += n
		r.left -= n
		return b
	}
	mark := len(r.scratch)
	for n > 0 {
		k := min(n, r.avail())
		if k == 0 {
			r.scratch = r.scratch[:mark]
			return nil
		}
		r.scratch = append(r.scratch, r.s[r.pos:r.pos+k]...)
		r.pos += k
		r.left -= k
		n -= k
	}
	return r.scratch[mark:len(r.scratch):len(r.scratch)]
}

// need is a lower bound on the stream length at which reading can go on,
// after a read set NeedMore: the stream must at least reach the message's
// last byte, with a record header for every record boundary known to lie
// before it (exact when the rest of the message is in the current record,
// the usual case).
func (r *reader) need() int {
	left := r.left
	if !r.hdrDone {
		left += minBody // the body of the smallest ClientHello
	}
	if r.pos < r.end {
		if in := r.end - r.pos; left > in {
			return r.end + recordHeader + left - in
		}
		return r.pos + left
	}
	return r.end + recordHeader + left
}
