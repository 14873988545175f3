package report

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestStateCountsJSON: the states encode as the map they replaced did
// (the report's JSON is a contract), compact and indented, and read back
// sorted.
func TestStateCountsJSON(t *testing.T) {
	for _, s := range []StateCounts{nil, {}, {{"SF", 7}}, {{"REJ", 2}, {"S0", 1}, {"SF", 1 << 40}}, {{"<&>", 3}}} {
		var m map[string]uint64
		if s != nil {
			m = map[string]uint64{}
			for _, c := range s {
				m[c.State] = c.Count
			}
		}
		for _, indent := range []string{"", "  "} {
			marshal := func(v any) string {
				b, err := json.MarshalIndent(v, "", indent)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			if got, want := marshal(s), marshal(m); got != want {
				t.Errorf("%v (indent %q): %s, want %s as the map's", s, indent, got, want)
			}
		}
		b, _ := json.Marshal(m)
		var back StateCounts
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, s) {
			t.Errorf("%s reads back as %#v (%v), want %#v", b, back, err, s)
		}
		for _, c := range s {
			if n := s.Count(c.State); n != c.Count {
				t.Errorf("%v: Count(%q) = %d, want %d", s, c.State, n, c.Count)
			}
		}
		if n := s.Count("OTH"); n != 0 {
			t.Errorf("%v: Count of a state it lacks is %d", s, n)
		}
	}
	var unsorted StateCounts
	if err := json.Unmarshal([]byte(`{"SF": 1, "REJ": 2}`), &unsorted); err != nil || unsorted[0].State != "REJ" {
		t.Errorf("read back unsorted: %v (%v)", unsorted, err)
	}
}
