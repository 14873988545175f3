package report

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// StateCount is how many connections of a group ended in one conn_state.
type StateCount struct {
	State string
	Count uint64
}

// StateCounts are a group's connections per conn_state, sorted by state.
// JSON writes them as an object, {"REJ": 2, "SF": 7}, as it would a map:
// a slice because a report has tens of thousands of groups, most with one
// state, and a map each was a fifth of building them (measured on the
// 5-million-packet gateway mix: 0.045 s of CPU for 49,000 groups).
type StateCounts []StateCount

// Count returns the connections that ended in state.
func (s StateCounts) Count(state string) uint64 {
	for _, c := range s {
		if c.State == state {
			return c.Count
		}
	}
	return 0
}

// MarshalJSON writes the object (null for a nil list, {} for an empty one).
func (s StateCounts) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	return appendStateObject(nil, s, "", ""), nil
}

// appendStateObject writes s as a JSON object, each member on a line of its
// own after indent when indent is not "" (closing after end).
func appendStateObject(b []byte, s StateCounts, indent, end string) []byte {
	if len(s) == 0 {
		return append(b, "{}"...)
	}
	b = append(b, '{')
	for i, c := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, indent...)
		b = appendJSONString(b, c.State)
		b = append(b, ':')
		if indent != "" {
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, c.Count, 10)
	}
	b = append(b, end...)
	return append(b, '}')
}

// UnmarshalJSON reads the object back, sorted by state.
func (s *StateCounts) UnmarshalJSON(b []byte) error {
	var m map[string]uint64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if m == nil {
		*s = nil
		return nil
	}
	out := make(StateCounts, 0, len(m))
	for st, n := range m {
		out = append(out, StateCount{st, n})
	}
	out.sort()
	*s = out
	return nil
}

// sort orders the states by name.
func (s StateCounts) sort() {
	slices.SortFunc(s, func(a, b StateCount) int { return strings.Compare(a.State, b.State) })
}
