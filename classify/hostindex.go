package classify

import (
	"strings"

	"github.com/flowaudit/flowaudit/catalog"
)

// hostIndex tells which of the catalog's host patterns a flow's names fit,
// all at once, before the flow's candidate requirements are checked: on
// port 443 there are some sixty of them, and matching each one's patterns
// against each name was most of the cost of classifying a flow (1.05 µs
// on the built-in catalog, BenchmarkClassify; 0.5 µs with this index and
// portTable). A pattern whose last two labels are literal
// ("*.blob.core.windows.net", "login.microsoftonline.com") can only fit a
// name ending in those two labels, so the patterns are filed under them
// and a name is matched against the few filed under its own last two.
type hostIndex struct {
	patterns []catalog.HostPattern // distinct, numbered in catalog order
	ids      map[string]uint32     // pattern text -> number
	byKey    map[string][]uint32   // last two labels, lower-cased -> patterns
	always   []uint32              // patterns with a placeholder in their last two labels, or "*." and one label
}

// nameSet has a bit per indexed pattern that a flow's names fit.
// Patterns numbered beyond it (a catalog of more than maxIndexedHosts
// distinct patterns) are matched name by name when a requirement needs
// them.
type nameSet [maxIndexedHosts / 64]uint64

const maxIndexedHosts = 1024

// maxKeyLen bounds the keys patterns are filed under (longer ones are
// tried on every name): a name whose last two labels are longer fits none
// of the filed patterns.
const maxKeyLen = 256

func (s *nameSet) has(id uint32) bool { return s[id/64]&(1<<(id%64)) != 0 }

func (s *nameSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// add numbers a pattern (once) and files it; it returns the number.
func (x *hostIndex) add(h catalog.HostPattern) uint32 {
	if id, ok := x.ids[h.String()]; ok {
		return id
	}
	if x.ids == nil {
		x.ids, x.byKey = map[string]uint32{}, map[string][]uint32{}
	}
	id := uint32(len(x.patterns))
	x.patterns = append(x.patterns, h)
	x.ids[h.String()] = id
	if id >= maxIndexedHosts {
		return id
	}
	if key, ok := patternKey(h); ok && len(key) <= maxKeyLen {
		x.byKey[key] = append(x.byKey[key], id)
	} else {
		x.always = append(x.always, id)
	}
	return id
}

// patternKey is the last two labels of a pattern (its only label if it
// has one and no wildcard), when they hold no placeholder: every name the
// pattern fits ends in them.
func patternKey(h catalog.HostPattern) (string, bool) {
	text := strings.TrimPrefix(h.String(), "*.")
	if strings.ContainsAny(text, "<>") {
		// A placeholder may hold a dot ("<server name>"): the labels
		// are not known here unless the last two have none.
		i := strings.LastIndexByte(text, '.')
		if i < 0 {
			return "", false
		}
		j := strings.LastIndexByte(text[:i], '.')
		if j < 0 || strings.ContainsAny(text[j+1:], "<>") {
			return "", false
		}
		return text[j+1:], true
	}
	i := strings.LastIndexByte(text, '.')
	if i < 0 {
		// One label: "*.com" fits names of two labels or more, whose keys
		// hold two.
		return text, !strings.HasPrefix(h.String(), "*.")
	}
	j := strings.LastIndexByte(text[:i], '.')
	return text[j+1:], true
}

// fit sets in s the indexed patterns some name fits. It does not allocate.
func (x *hostIndex) fit(names []Name, s *nameSet) {
	for i := range names {
		name := names[i].Name
		var buf [maxKeyLen]byte
		if key, ok := nameKey(name, &buf); ok {
			for _, id := range x.byKey[string(key)] {
				if x.patterns[id].Match(name) {
					s[id/64] |= 1 << (id % 64)
				}
			}
		}
		for _, id := range x.always {
			if x.patterns[id].Match(name) {
				s[id/64] |= 1 << (id % 64)
			}
		}
	}
}

// nameKey writes a name's last two labels (without a trailing dot),
// lower-cased, into buf; false if they do not fit. Only ASCII letters are
// folded: Match folds others too, but a multi-byte letter never equals a
// pattern's literal label (letters, digits, '-', '_': one byte each), so
// a key holding one is filed under nothing, as it should.
func nameKey(name string, buf *[maxKeyLen]byte) ([]byte, bool) {
	name = strings.TrimSuffix(name, ".")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if j := strings.LastIndexByte(name[:i], '.'); j >= 0 {
			name = name[j+1:]
		}
	}
	if len(name) > len(buf) {
		return nil, false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(name)], true
}

// fits reports whether the names fit one of the patterns numbered ids,
// s being what fit found for the same names.
func (x *hostIndex) fits(ids []uint32, s *nameSet, names []Name) bool {
	for _, id := range ids {
		if id < maxIndexedHosts {
			if s.has(id) {
				return true
			}
		} else if fitsAny(x.patterns[id], names) {
			return true
		}
	}
	return false
}

// known reports whether the names fit any of the catalog's patterns.
func (x *hostIndex) known(s *nameSet, names []Name) bool {
	if !s.empty() {
		return true
	}
	for id := maxIndexedHosts; id < len(x.patterns); id++ {
		if fitsAny(x.patterns[id], names) {
			return true
		}
	}
	return false
}

// namesFit reports whether some name fits one of the patterns, matching
// each against each: the CONNECT target of a tunnel, which the index has
// not seen, and the reference the index is tested against.
func namesFit(patterns []catalog.HostPattern, names []Name) bool {
	for _, p := range patterns {
		if fitsAny(p, names) {
			return true
		}
	}
	return false
}

func fitsAny(p catalog.HostPattern, names []Name) bool {
	for _, n := range names {
		if p.Match(n.Name) {
			return true
		}
	}
	return false
}
