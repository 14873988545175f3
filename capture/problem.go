package capture

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is damage found in an input: where (file, byte offset and/or
// packet number) and what. It is returned by Open and by Source.Next.
type Problem struct {
	File string // input name as given ("-" is shown as "stdin")
	// Offset is the byte offset where the damage starts, in the
	// decompressed stream for gzip inputs; -1 when it does not apply. For
	// pcapng it is where the reader detected the damage.
	Offset int64
	Packet uint64 // 1-based record number the damage hit; 0 when none (file header)
	Msg    string
	// Fatal means this input cannot be read further: the source returns
	// io.EOF from now on. A merged source (OpenAll) never returns a fatal
	// Problem; it sets Ended instead and goes on with the other inputs.
	Fatal bool
	// Ended means the input named by File stopped at this problem (always
	// true when Fatal is).
	Ended bool
	Input int // index of the input among those opened together
}

// Error formats the problem as
// "teams.pcap: packet 1541 at byte 704101: record claims ... bytes, ...".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Packet > 0 {
		b.WriteString(": packet ")
		b.WriteString(strconv.FormatUint(p.Packet, 10))
	}
	if p.Offset >= 0 {
		if p.Packet > 0 {
			b.WriteString(" at byte ")
		} else {
			b.WriteString(": at byte ")
		}
		b.WriteString(strconv.FormatInt(p.Offset, 10))
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// problem records a problem of this input in its statistics and returns it.
// A problem that ends the input is fatal unless the input is part of a merge.
func (in *input) problem(off int64, pkt uint64, ended bool, format string, args ...any) *Problem {
	in.stats.Problems++
	return &Problem{
		File:   in.name,
		Offset: off,
		Packet: pkt,
		Msg:    fmt.Sprintf(format, args...),
		Fatal:  ended && !in.merged,
		Ended:  ended,
		Input:  in.index,
	}
}

// hexPrefix formats the first bytes of an input for "starts with ..." messages.
func hexPrefix(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02x", c)
	}
	return s.String()
}
