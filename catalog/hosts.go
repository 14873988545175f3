package catalog

import (
	"fmt"
	"strings"
)

// HostPattern is a compiled FQDN pattern from a document: an exact name,
// a "*." wildcard, or a name with placeholders such as
// "<storage account>.blob.core.windows.net" or "snovap<region>.blob.core.windows.net".
type HostPattern struct {
	text     string
	wildcard bool           // leading "*.": one or more labels before the rest
	labels   []labelPattern // the labels after the wildcard, left to right
}

// labelPattern matches one DNS label: literal parts with placeholder holes
// between them. A hole matches one or more characters, never a dot.
type labelPattern struct {
	parts []string // literal parts; holes sit between consecutive parts
	holes []string // placeholder names, len(parts)-1 of them
}

// String returns the pattern as written.
func (h HostPattern) String() string { return h.text }

// Placeholders lists the placeholder names ("<region>") the pattern uses.
func (h HostPattern) Placeholders() []string {
	var out []string
	for _, l := range h.labels {
		for _, name := range l.holes {
			out = append(out, "<"+name+">")
		}
	}
	return out
}

// IsExact reports whether the pattern names one host only.
func (h HostPattern) IsExact() bool {
	if h.wildcard {
		return false
	}
	for _, l := range h.labels {
		if len(l.holes) > 0 {
			return false
		}
	}
	return true
}

// ParseHostPattern compiles a pattern. Names are lower-cased and a trailing
// dot is dropped.
func ParseHostPattern(s string) (HostPattern, error) {
	text := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	h := HostPattern{text: text}
	if text == "" {
		return h, fmt.Errorf("empty host pattern")
	}
	rest := text
	if strings.HasPrefix(rest, "*.") {
		h.wildcard = true
		rest = rest[2:]
	}
	labels, err := splitLabels(rest)
	if err != nil {
		return h, err
	}
	for _, label := range labels {
		lp, err := parseLabel(label)
		if err != nil {
			return h, err
		}
		h.labels = append(h.labels, lp)
	}
	return h, nil
}

// splitLabels splits on dots outside placeholders ("<server name>" may hold a space).
func splitLabels(s string) ([]string, error) {
	var labels []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			if depth > 0 {
				return nil, fmt.Errorf("nested '<' in %q", s)
			}
			depth++
		case '>':
			if depth == 0 {
				return nil, fmt.Errorf("'>' without '<' in %q", s)
			}
			depth--
		case '.':
			if depth == 0 {
				labels = append(labels, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unclosed '<' in %q", s)
	}
	return append(labels, s[start:]), nil
}

func parseLabel(label string) (labelPattern, error) {
	var lp labelPattern
	if label == "" {
		return lp, fmt.Errorf("empty label")
	}
	if strings.Contains(label, "*") {
		return lp, fmt.Errorf("'*' is allowed only as a whole first label (\"*.example.com\"), found %q", label)
	}
	rest := label
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			lp.parts = append(lp.parts, rest)
			break
		}
		j := strings.IndexByte(rest, '>')
		name := rest[i+1 : j]
		if name == "" {
			return lp, fmt.Errorf("empty placeholder in %q", label)
		}
		lp.parts = append(lp.parts, rest[:i])
		lp.holes = append(lp.holes, name)
		rest = rest[j+1:]
	}
	for _, p := range lp.parts {
		for _, c := range p {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return lp, fmt.Errorf("character %q is not allowed in a host name label (%q)", c, label)
			}
		}
	}
	return lp, nil
}

// Match reports whether name (any case, optional trailing dot) fits the pattern.
func (h HostPattern) Match(name string) bool {
	name = strings.TrimSuffix(name, ".")
	// Walk labels from the right: the fixed labels must match the last ones.
	for i := len(h.labels) - 1; i >= 0; i-- {
		dot := strings.LastIndexByte(name, '.')
		label := name[dot+1:]
		if !h.labels[i].match(label) {
			return false
		}
		if dot < 0 {
			// No labels left for the remaining patterns or the wildcard.
			return i == 0 && !h.wildcard
		}
		name = name[:dot]
	}
	// Labels remain in name: only a wildcard takes them.
	return h.wildcard && name != ""
}

// match fits one label, case-insensitively, with each hole taking one or
// more characters.
func (lp labelPattern) match(label string) bool {
	return matchParts(lp.parts, label)
}

// matchParts fits s to literal parts with a hole of one or more characters
// between each two. The first part is a prefix and the last a suffix; the
// parts between are taken at their leftmost places, each after at least
// one character: any other fit leaves less room for the parts after it, so
// that is a fit if there is one. Time is at most the label's length times
// the pattern's, not exponential in the holes: trying every length of each
// hole took 6.7 s for a 5,000-character label and three holes (found by
// FuzzHostPattern), and names in SNI and HTTP Host headers come from the
// network with no length limit.
func matchParts(parts []string, s string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if !hasPrefixFold(s, first) {
		return false
	}
	s = s[len(first):]
	if len(parts) == 1 {
		return s == ""
	}
	if len(s) <= len(last) || !strings.EqualFold(s[len(s)-len(last):], last) {
		return false // no room for the last part after a character of the last hole
	}
	s = s[:len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := indexFoldAfter(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return s != "" // the last hole
}

// indexFoldAfter is the first index of sub in s, case-insensitively, past
// s's first character (the hole before sub takes at least one), or -1.
func indexFoldAfter(s, sub string) int {
	for i := 1; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Bind replaces the placeholders the values map names ("<region>" ->
// ["westeurope", "northeurope"]) and returns one pattern per combination.
// Placeholders without a value are kept.
func (h HostPattern) Bind(values map[string][]string) []HostPattern {
	out := []string{h.text}
	for _, name := range h.Placeholders() {
		vals, ok := values[name]
		if !ok || len(vals) == 0 {
			continue
		}
		var next []string
		for _, p := range out {
			for _, v := range vals {
				next = append(next, strings.Replace(p, name, strings.ToLower(v), 1))
			}
		}
		out = next
	}
	patterns := make([]HostPattern, 0, len(out))
	for _, s := range out {
		p, err := ParseHostPattern(s)
		if err != nil {
			continue // values are validated by the site loader
		}
		patterns = append(patterns, p)
	}
	return patterns
}
