package catalog

import "strings"

// Flags are the qualifiers a document puts on a requirement.
type Flags uint16

const (
	FlagBidirectional Flags = 1 << iota // "< -- >": either side may initiate
	FlagConfigurable                    // "port alternatif disponible": a site may override it
	FlagProxy                           // may go through a proxy server
	FlagOptional                        // a feature that may be switched off
	FlagNotRequired                     // documented as not needed
	FlagInternalOnly                    // must never be reachable from outside
	FlagDoubtful                        // transcribed as written though it looks wrong; see the note
	FlagAlternative                     // derived: the document offers other ports instead
	FlagFallback                        // derived: replaces another requirement when its ports are closed
)

// flagNames is in canonical order; the written flags come first.
var flagNames = []struct {
	flag    Flags
	name    string
	written bool
}{
	{FlagBidirectional, "bidirectional", true},
	{FlagConfigurable, "configurable", true},
	{FlagProxy, "proxy", true},
	{FlagOptional, "optional", true},
	{FlagNotRequired, "not-required", true},
	{FlagInternalOnly, "internal-only", true},
	{FlagDoubtful, "doubtful", true},
	{FlagAlternative, "alternative", false},
	{FlagFallback, "fallback", false},
}

// Has reports whether all of g are set.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Names lists the set flags in canonical order.
func (f Flags) Names() []string {
	names := []string{}
	for _, n := range flagNames {
		if f&n.flag != 0 {
			names = append(names, n.name)
		}
	}
	return names
}

func (f Flags) String() string { return strings.Join(f.Names(), ",") }

// parseWrittenFlag reads a flag a catalog file may write.
func parseWrittenFlag(s string) (Flags, bool) {
	for _, n := range flagNames {
		if n.written && n.name == s {
			return n.flag, true
		}
	}
	return 0, false
}

func writtenFlagNames() []string {
	var names []string
	for _, n := range flagNames {
		if n.written {
			names = append(names, n.name)
		}
	}
	return names
}
