package catalog

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a catalog or site file, with where it is,
// which field, and what would be right.
type Problem struct {
	Pos   Pos
	Field string // path of the field, e.g. requirements[3].ports[1]
	Msg   string
}

func (p Problem) Error() string {
	if p.Field == "" {
		return fmt.Sprintf("%s: %s", p.Pos, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.Pos, p.Field, p.Msg)
}

// Problems collects every problem found, so a user sees them all at once.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

func (ps *Problems) add(pos Pos, field, format string, args ...any) {
	*ps = append(*ps, Problem{Pos: pos, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// err returns nil when there are no problems.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
