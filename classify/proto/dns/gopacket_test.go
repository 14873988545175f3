package dns

import (
	"bytes"
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// stricter are the errors Parse may return on a message gopacket's
// layers.DNS accepts: checks gopacket does not make (forward pointers, the
// 255-octet limit on the text form rather than the wire form, A/AAAA/CNAME
// rdata of the wrong length, including empty) and the per-Message caps.
var stricter = map[error]bool{ErrPointer: true, ErrNameTooLong: true, ErrRData: true, ErrTooMany: true}

// crossCheck parses msg with Parse and with gopacket's layers.DNS. When
// gopacket decodes the whole message, Parse must agree on the header, the
// question, and the IN A/AAAA/CNAME answers (names compared ASCII
// lower-cased), or fail with a stricter error keeping a prefix of them.
// It reports whether gopacket decoded the message.
func crossCheck(m *Message, msg []byte) (bool, error) {
	err := m.Parse(msg)
	var d layers.DNS
	if d.DecodeFromBytes(msg, gopacket.NilDecodeFeedback) != nil {
		return false, nil
	}
	var want []string
	for _, a := range d.Answers {
		if uint16(a.Class)&0x7FFF != ClassIN {
			continue
		}
		switch uint16(a.Type) {
		case TypeA, TypeAAAA:
			ip, ok := netip.AddrFromSlice(a.IP)
			if !ok {
				want = append(want, fmt.Sprintf("%s %d bad IP %x", lower(a.Name), a.Type, a.Data))
				continue
			}
			want = append(want, fmt.Sprintf("%s %d %s", lower(a.Name), a.Type, ip))
		case TypeCNAME:
			want = append(want, fmt.Sprintf("%s %d %s", lower(a.Name), a.Type, lower(a.CNAME)))
		}
	}
	var got []string
	for _, rr := range m.Answers {
		if rr.Type == TypeCNAME {
			got = append(got, fmt.Sprintf("%s %d %s", rr.Name, rr.Type, rr.Target))
		} else {
			got = append(got, fmt.Sprintf("%s %d %s", rr.Name, rr.Type, rr.Addr))
		}
	}
	if err != nil && !stricter[err] {
		return true, fmt.Errorf("gopacket decodes the message, Parse fails: %v", err)
	}
	if err == nil && len(got) != len(want) || len(got) > len(want) {
		return true, fmt.Errorf("answers (err %v):\n%q\ngopacket:\n%q", err, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			return true, fmt.Errorf("answer %d: %q, gopacket %q", i, got[i], want[i])
		}
	}
	if m.ID != d.ID || m.Response != d.QR || m.RCode != uint8(d.ResponseCode)&0xF || m.Opcode != uint8(d.OpCode) || m.Truncated != d.TC {
		return true, fmt.Errorf("header %d/%v/%d/%d/%v, gopacket %d/%v/%d/%d/%v",
			m.ID, m.Response, m.RCode, m.Opcode, m.Truncated, d.ID, d.QR, d.ResponseCode, d.OpCode, d.TC)
	}
	if len(d.Questions) > 0 && err == nil {
		if q := lower(d.Questions[0].Name); q != m.Question.String() || uint16(d.Questions[0].Type) != m.QType {
			return true, fmt.Errorf("question %q/%d, gopacket %q/%d", m.Question, m.QType, q, d.Questions[0].Type)
		}
	}
	return true, nil
}

// lower is ASCII lower-casing: bytes.ToLower would also fold UTF-8.
func lower(b []byte) string {
	b = bytes.Clone(b)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
