package dns

import "bytes"

// Name is a decoded domain name: ASCII lower-cased, labels joined by '.', no
// trailing dot; the root name is empty. It is a view into the name buffer of
// the Message that decoded it and is valid until that Message's next Parse.
//
// Label bytes other than A-Z are kept as they are on the wire (like
// gopacket and most tools do), so a label that itself contains a '.' reads
// the same as two labels. That cannot move a name under another zone's
// suffix, which is what callers match on.
type Name struct {
	b []byte
}

// Bytes returns the name without copying. Do not modify or retain it past
// the Message's next Parse.
func (n Name) Bytes() []byte { return n.b }

// String copies the name; it allocates, so keep it out of per-packet code.
func (n Name) String() string { return string(n.b) }

// Len is the length of the textual name.
func (n Name) Len() int { return len(n.b) }

// Equal reports whether n and o are the same name (both are lower-cased).
func (n Name) Equal(o Name) bool { return bytes.Equal(n.b, o.b) }

// Labels need no length check: the two top bits of a length byte select
// the label type, so a plain label is at most 63 octets (RFC 1035 2.3.4).
const (
	maxName = 255 // wire octets, length bytes and root label included
	// maxPointers bounds the compression pointers followed for one name.
	// Pointers must also go strictly backwards (see readName), which alone
	// guarantees termination; the count keeps the work per name small.
	maxPointers = 32
)

// readName decodes the name starting at off in msg, appending its text to
// dst. It returns the extended dst and the offset just past the name's
// bytes at off (after the first pointer, if any).
//
// Loop protection: a pointer must point before the start of the run of
// labels it ends (the run that began at the name's start or at the previous
// pointer's target). Targets thus strictly decrease, so no chain can cycle,
// and at most maxPointers are followed.
func readName(msg []byte, off int, dst []byte) ([]byte, int, error) {
	next := -1      // where the caller resumes: set at the first pointer
	runStart := off // start of the current run of labels
	wire := 1       // wire length so far, counting the root label
	first := true
	for ptrs := 0; ; {
		if off >= len(msg) {
			return dst, 0, ErrTruncated
		}
		l := int(msg[off])
		switch l & 0xC0 {
		case 0x00:
			if l == 0 {
				if next < 0 {
					next = off + 1
				}
				return dst, next, nil
			}
			end := off + 1 + l
			if end > len(msg) {
				return dst, 0, ErrTruncated
			}
			wire += 1 + l
			if wire > maxName {
				return dst, 0, ErrNameTooLong
			}
			if !first {
				dst = append(dst, '.')
			}
			first = false
			for _, c := range msg[off+1 : end] {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				dst = append(dst, c)
			}
			off = end
		case 0xC0:
			if off+1 >= len(msg) {
				return dst, 0, ErrTruncated
			}
			ptr := (l&0x3F)<<8 | int(msg[off+1])
			if ptr >= runStart {
				return dst, 0, ErrPointer
			}
			if ptrs++; ptrs > maxPointers {
				return dst, 0, ErrPointer
			}
			if next < 0 {
				next = off + 2
			}
			off, runStart = ptr, ptr
		default:
			// 0x40 (RFC 6891 extended label types) and 0x80 are not in use.
			return dst, 0, ErrLabel
		}
	}
}

// skipName returns the offset just past the name at off without decoding
// it: a pointer ends a name on the wire, so its target is not needed.
func skipName(msg []byte, off int) (int, error) {
	wire := 1
	for {
		if off >= len(msg) {
			return 0, ErrTruncated
		}
		l := int(msg[off])
		switch l & 0xC0 {
		case 0x00:
			if l == 0 {
				return off + 1, nil
			}
			if wire += 1 + l; wire > maxName {
				return 0, ErrNameTooLong
			}
			off += 1 + l
		case 0xC0:
			if off+1 >= len(msg) {
				return 0, ErrTruncated
			}
			return off + 2, nil
		default:
			return 0, ErrLabel
		}
	}
}
