package catalog

import (
	"slices"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of ports; a single port has Lo == Hi.
type PortRange struct{ Lo, Hi uint16 }

// PortSet is a list of ports and ranges, kept in the document's order.
type PortSet []PortRange

// Contains reports whether port p is in the set.
func (s PortSet) Contains(p uint16) bool {
	for _, r := range s {
		if r.Lo <= p && p <= r.Hi {
			return true
		}
	}
	return false
}

// Union returns the ports of s followed by those of t not already listed.
func (s PortSet) Union(t PortSet) PortSet {
	out := slices.Clone(s)
	for _, r := range t {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// String writes "80,443,63000-64000".
func (s PortSet) String() string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(r.Lo)))
		if r.Hi != r.Lo {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(r.Hi)))
		}
	}
	return b.String()
}

// JSON returns the export form: a number per port, [lo, hi] per range.
func (s PortSet) JSON() []any {
	out := make([]any, 0, len(s))
	for _, r := range s {
		if r.Lo == r.Hi {
			out = append(out, int(r.Lo))
		} else {
			out = append(out, []int{int(r.Lo), int(r.Hi)})
		}
	}
	return out
}
