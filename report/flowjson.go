package report

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// A report lists every flow group: tens of thousands on a gateway's
// capture. encoding/json spends most of its time on reflection and on
// re-indenting what it marshalled, so the groups have their own encoder.
// It writes exactly what json.MarshalIndent(g, "    ", "  ") does (the
// report's JSON is a contract); TestFlowGroupJSONMatchesEncodingJSON and
// FuzzFlowGroupJSON hold it to that.

// Indentation of a group's fields, of its names and conn states, and of a
// name's fields: a group sits at depth 2 of the report.
const (
	fieldIndent = "\n      "
	elemIndent  = "\n        "
	innerIndent = "\n          "
)

// appendFlowGroup appends g as json.MarshalIndent(g, "    ", "  ") writes it.
func appendFlowGroup(b []byte, g *FlowGroup) ([]byte, error) {
	b = append(b, '{')
	b = appendStringField(b, "src", g.Src, false)
	b = appendStringField(b, "dst", g.Dst, false)
	b = appendStringField(b, "src_role", g.SrcRole, true)
	b = appendStringField(b, "dst_name", g.DstName, true)
	b = appendIntField(b, "sources", int64(g.Sources))
	b = appendIntField(b, "destinations", int64(g.Destinations))
	b = appendUintField(b, "src_port", uint64(g.SrcPort))
	b = appendUintField(b, "dst_port", uint64(g.DstPort))
	b = appendStringField(b, "proto", g.Proto, false)
	b = appendStringField(b, "conn_state", g.ConnState, false)
	b = appendConnStates(b, g.ConnStates)
	b = appendStringField(b, "history", g.History, false)
	b = appendNames(b, g.Names)
	b = appendStringField(b, "verdict", g.Verdict, false)
	b = appendStringField(b, "requirement", g.Requirement, true)
	b = appendStringField(b, "service", g.Service, true)
	b = appendStringField(b, "reason", g.Reason, true)
	b = appendStrings(b, "src_roles", g.SrcRoles)
	b = appendStrings(b, "dst_roles", g.DstRoles)
	b = appendBoolField(b, "answered", g.Answered, false)
	b = appendBoolField(b, "assumed", g.Assumed, true)
	b = appendBoolField(b, "midstream", g.Midstream, true)
	b = appendUintField(b, "packets", g.Packets)
	b = appendUintField(b, "bytes", g.Bytes)
	b = appendUintField(b, "orig_packets", g.OrigPackets)
	b = appendUintField(b, "resp_packets", g.RespPackets)
	b = appendUintField(b, "orig_bytes", g.OrigBytes)
	b = appendUintField(b, "resp_bytes", g.RespBytes)
	b = appendStringField(b, "icmp_error", g.ICMPError, true)
	var err error
	if b, err = appendTimeField(b, "first_seen", g.FirstSeen); err != nil {
		return b, err
	}
	if b, err = appendTimeField(b, "last_seen", g.LastSeen); err != nil {
		return b, err
	}
	b = appendUintField(b, "count", g.Count)
	return append(b, "\n    }"...), nil
}

// appendKey starts a field: a group's first field follows its "{".
func appendKey(b []byte, key string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, fieldIndent...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, `": `...)
}

func appendStringField(b []byte, key, s string, omitEmpty bool) []byte {
	if omitEmpty && s == "" {
		return b
	}
	return appendJSONString(appendKey(b, key), s)
}

func appendIntField(b []byte, key string, n int64) []byte {
	return strconv.AppendInt(appendKey(b, key), n, 10)
}

func appendUintField(b []byte, key string, n uint64) []byte {
	return strconv.AppendUint(appendKey(b, key), n, 10)
}

func appendBoolField(b []byte, key string, v, omitEmpty bool) []byte {
	if omitEmpty && !v {
		return b
	}
	return strconv.AppendBool(appendKey(b, key), v)
}

// appendTimeField writes t as time.Time's MarshalJSON does; a time it
// refuses (a year beyond 9999) gets encoding/json's own error.
func appendTimeField(b []byte, key string, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 || t.Location() != time.UTC {
		v, err := json.Marshal(t)
		if err != nil {
			return b, err
		}
		return append(appendKey(b, key), v...), nil
	}
	b = append(appendKey(b, key), '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendConnStates writes the states as encoding/json writes a
// StateCounts at this depth.
func appendConnStates(b []byte, s StateCounts) []byte {
	b = appendKey(b, "conn_states")
	if s == nil {
		return append(b, "null"...)
	}
	return appendStateObject(b, s, elemIndent, fieldIndent)
}

func appendNames(b []byte, names []Name) []byte {
	b = appendKey(b, "names")
	switch {
	case names == nil:
		return append(b, "null"...)
	case len(names) == 0:
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, elemIndent+"{"+innerIndent+`"name": `...)
		b = appendJSONString(b, n.Name)
		b = append(b, ","+innerIndent+`"source": `...)
		b = appendJSONString(b, n.Source)
		b = append(b, elemIndent+"}"...)
	}
	return append(b, fieldIndent+"]"...)
}

// appendStrings writes an omitempty list of strings.
func appendStrings(b []byte, key string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(appendKey(b, key), '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, elemIndent...)
		b = appendJSONString(b, s)
	}
	return append(b, fieldIndent+"]"...)
}

// appendJSONString quotes s as encoding/json does: HTML characters, U+2028
// and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes written as they are: from the space to
// DEL, except the quote, the backslash and the HTML characters <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
