package dns

import "encoding/binary"

// msgBuilder writes DNS messages by hand, so that tests control every byte:
// compression pointers, counts, lengths.
type msgBuilder struct{ b []byte }

func newMsg(id uint16, flags uint16, qd, an, ns, ar uint16) *msgBuilder {
	m := &msgBuilder{}
	m.u16(id)
	m.u16(flags)
	m.u16(qd)
	m.u16(an)
	m.u16(ns)
	m.u16(ar)
	return m
}

func (m *msgBuilder) u16(v uint16) *msgBuilder {
	m.b = binary.BigEndian.AppendUint16(m.b, v)
	return m
}

func (m *msgBuilder) u32(v uint32) *msgBuilder {
	m.b = binary.BigEndian.AppendUint32(m.b, v)
	return m
}

func (m *msgBuilder) raw(b ...byte) *msgBuilder {
	m.b = append(m.b, b...)
	return m
}

// labels writes the labels of a dotted name without the terminating root
// label, so a pointer or the root can follow.
func (m *msgBuilder) labels(name string) *msgBuilder {
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			m.b = append(m.b, byte(i-start))
			m.b = append(m.b, name[start:i]...)
			start = i + 1
		}
	}
	return m
}

// name writes a complete uncompressed name and returns its offset.
func (m *msgBuilder) name(name string) int {
	off := len(m.b)
	if name != "" {
		m.labels(name)
	}
	m.b = append(m.b, 0)
	return off
}

func (m *msgBuilder) ptr(off int) *msgBuilder {
	return m.u16(0xC000 | uint16(off))
}

func (m *msgBuilder) question(typ uint16) *msgBuilder {
	return m.u16(typ).u16(ClassIN)
}

// rrHead writes type, class, TTL and rdlength, after the owner name.
func (m *msgBuilder) rrHead(typ, class uint16, ttl uint32, rdlen int) *msgBuilder {
	return m.u16(typ).u16(class).u32(ttl).u16(uint16(rdlen))
}

const flagsResponse = 0x8180 // QR, RD, RA, NOERROR
