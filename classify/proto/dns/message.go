// Package dns parses the parts of DNS messages a flow auditor needs: the
// question, and the A, AAAA and CNAME records of the answer section, so that
// addresses seen later in flows can be attributed to the names that were
// asked for. Parsing a Message reuses its buffers: zero allocations per
// message once they have grown to the size of the traffic.
package dns

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Errors returned by Parse. They are sentinel values so that the hot path
// never formats an error.
var (
	ErrShort       = errors.New("dns: message shorter than its 12-byte header")
	ErrTruncated   = errors.New("dns: message ends inside a record (counts exceed the data)")
	ErrLabel       = errors.New("dns: reserved label type")
	ErrPointer     = errors.New("dns: compression pointer does not point backwards, or too many")
	ErrNameTooLong = errors.New("dns: name longer than 255 octets")
	ErrRData       = errors.New("dns: A/AAAA/CNAME rdata of the wrong length")
	ErrTooMany     = errors.New("dns: more answers or name bytes than a Message keeps")
)

// DNS record types and class kept by Parse.
const (
	TypeA     uint16 = 1
	TypeCNAME uint16 = 5
	TypeAAAA  uint16 = 28
	ClassIN   uint16 = 1
)

// Limits on what one Message keeps, so that a hostile message cannot make
// the reused buffers grow without bound. Real responses are far below.
const (
	MaxAnswers   = 1024
	MaxNameBytes = 64 << 10
)

// RR is a kept answer record: A or AAAA (Addr set) or CNAME (Target set).
type RR struct {
	Name   Name
	Type   uint16
	TTL    uint32
	Addr   netip.Addr // A, AAAA
	Target Name       // CNAME
}

// Message is one parsed DNS message. Reuse one Message per goroutine: Parse
// overwrites everything, and every Name it holds (in Question and Answers)
// is valid only until the next Parse.
type Message struct {
	ID        uint16
	Response  bool
	Opcode    uint8
	RCode     uint8 // the 4 header bits; the EDNS extended part is not read
	Truncated bool  // TC bit: a UDP answer cut short, the client retries on TCP

	Question Name   // first question's name
	QType    uint16 // first question's type

	// Answers holds the answer section's A, AAAA and CNAME records of class
	// IN, in message order. Other records are skipped by their rdlength.
	Answers []RR

	names []byte // backing store of every Name above
	hasQ  bool   // the question section was not empty
}

// Parse decodes msg, a DNS message: a UDP payload, or one TCP message
// without its 2-byte length prefix (see SplitTCP).
//
// Only the header, the question section and the answer section are read;
// authority and additional records are not even bounds-checked. Queries are
// parsed the same way (a query normally has no answers); check Response.
//
// On error, the fields decoded before the error stay set: in particular the
// Answers parsed before a malformed or missing record are kept, so a
// truncated UDP response still yields its first addresses. Callers that want
// all-or-nothing should drop Answers when err != nil.
//
// Parse never retains msg: names and addresses are copied out.
func (m *Message) Parse(msg []byte) error {
	m.names = m.names[:0]
	m.Answers = m.Answers[:0]
	m.Question, m.QType = Name{}, 0
	m.ID, m.Response, m.Opcode, m.RCode, m.Truncated, m.hasQ = 0, false, 0, 0, false, false
	if len(msg) < 12 {
		return ErrShort
	}
	m.ID = binary.BigEndian.Uint16(msg)
	m.Response = msg[2]&0x80 != 0
	m.Opcode = msg[2] >> 3 & 0xF
	m.Truncated = msg[2]&0x02 != 0
	m.RCode = msg[3] & 0xF
	qd := int(binary.BigEndian.Uint16(msg[4:]))
	an := int(binary.BigEndian.Uint16(msg[6:]))

	off := 12
	var err error
	for i := 0; i < qd; i++ {
		if i == 0 {
			var n Name
			if n, off, err = m.name(msg, off); err != nil {
				return err
			}
			m.Question, m.hasQ = n, true
		} else if off, err = skipName(msg, off); err != nil {
			return err
		}
		if off+4 > len(msg) {
			return ErrTruncated
		}
		if i == 0 {
			m.QType = binary.BigEndian.Uint16(msg[off:])
		}
		off += 4
	}

	for i := 0; i < an; i++ {
		if off, err = m.answer(msg, off); err != nil {
			return err
		}
	}
	return nil
}

// answer reads the resource record at off, keeping it if it is an IN A,
// AAAA or CNAME, and returns the offset of the next record.
func (m *Message) answer(msg []byte, off int) (int, error) {
	start := off // the owner name is decoded only once the type is known
	off, err := skipName(msg, off)
	if err != nil {
		return 0, err
	}
	if off+10 > len(msg) {
		return 0, ErrTruncated
	}
	typ := binary.BigEndian.Uint16(msg[off:])
	// The top bit of the class is mDNS's cache-flush flag (RFC 6762 10.2).
	class := binary.BigEndian.Uint16(msg[off+2:]) & 0x7FFF
	ttl := binary.BigEndian.Uint32(msg[off+4:])
	rdlen := int(binary.BigEndian.Uint16(msg[off+8:]))
	rd := off + 10
	end := rd + rdlen
	if end > len(msg) {
		return 0, ErrTruncated
	}
	if class != ClassIN || (typ != TypeA && typ != TypeAAAA && typ != TypeCNAME) {
		return end, nil
	}
	if len(m.Answers) >= MaxAnswers {
		return 0, ErrTooMany
	}

	rr := RR{Type: typ, TTL: ttl}
	switch typ {
	case TypeA:
		if rdlen != 4 {
			return 0, ErrRData
		}
		rr.Addr = netip.AddrFrom4([4]byte(msg[rd:end]))
	case TypeAAAA:
		if rdlen != 16 {
			return 0, ErrRData
		}
		rr.Addr = netip.AddrFrom16([16]byte(msg[rd:end]))
	case TypeCNAME:
		// The target may point anywhere before it, but its own bytes
		// must lie within the rdata.
		var next int
		if rr.Target, next, err = m.name(msg[:end], rd); err != nil {
			if err == ErrTruncated {
				err = ErrRData
			}
			return 0, err
		}
		if next != end {
			return 0, ErrRData
		}
	}
	if rr.Name, _, err = m.name(msg, start); err != nil {
		return 0, err
	}
	m.Answers = append(m.Answers, rr)
	return end, nil
}

// name decodes the name at off into m's name buffer.
func (m *Message) name(msg []byte, off int) (Name, int, error) {
	if len(m.names)+maxName > MaxNameBytes {
		return Name{}, 0, ErrTooMany
	}
	if cap(m.names) == 0 {
		// One allocation covers typical responses; later growth is
		// amortised and kept across Parse calls.
		m.names = make([]byte, 0, 1024)
	}
	mark := len(m.names)
	b, next, err := readName(msg, off, m.names)
	if err != nil {
		m.names = m.names[:mark]
		return Name{}, 0, err
	}
	m.names = b
	// Full slice expression: appending to one Name can never overwrite the
	// next one.
	return Name{b: b[mark:len(b):len(b)]}, next, nil
}
