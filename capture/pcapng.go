package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// pcapng is read with gopacket's pcapgo.NgReader (ZeroCopyReadPacketData:
// one reused packet buffer, no allocation per packet for plain Enhanced
// Packet Blocks). WantMixedLinkType keeps packets of every interface, each
// with its own link type; without it the reader silently drops packets whose
// interface's link type differs from the first one's.
//
// NgReader cannot resynchronise: after an error its position inside the
// block structure is unknown. So any error other than io.EOF ends the file
// (a fatal Problem); every packet before it has been delivered.
type pcapngSource struct {
	input
	ng     *pcapgo.NgReader
	br     *bufio.Reader   // NgReader reads through this one (bufio.NewReader returns it as is)
	plain  *countingReader // bytes of the decompressed stream read into br
	number uint64
	done   bool
}

func newPcapng(in input, rd io.Reader, opts Options) (s *pcapngSource, err error) {
	s = &pcapngSource{input: in, plain: &countingReader{r: rd}}
	s.br = bufio.NewReaderSize(s.plain, opts.bufferSize())
	defer func() {
		if v := recover(); v != nil {
			p := s.problem(s.consumed(), 0, true, "pcapng reader failed on the section header: %v", v)
			s, err = nil, p
		}
	}()
	s.ng, err = pcapgo.NewNgReader(s.br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		return nil, s.problem(s.consumed(), 0, true, "pcapng section header: %s", ngError(err))
	}
	return s, nil
}

// consumed is the stream offset NgReader has reached.
func (s *pcapngSource) consumed() int64 { return s.plain.n - int64(s.br.Buffered()) }

// OneInterface implements Source: an interface block may come after any
// packet, so it is never known in advance.
func (s *pcapngSource) OneInterface() (LinkType, bool) { return 0, false }

// Next implements Source.
func (s *pcapngSource) Next(p *Packet) error {
	if s.done {
		return io.EOF
	}
	data, ci, err := s.read()
	if err != nil {
		s.done = true
		if err == io.EOF {
			return io.EOF
		}
		return s.problem(s.consumed(), s.number+1, true, "%s", ngError(err))
	}
	link := LinkEthernet
	if len(ci.AncillaryData) > 0 {
		if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			link = canonicalLink(uint32(l))
		}
	}
	var t int64
	if !ci.Timestamp.IsZero() { // Simple Packet Blocks carry no time
		t = ci.Timestamp.UnixNano()
	}
	s.number++
	*p = Packet{
		Data:   data[:len(data):len(data)],
		Time:   t,
		Length: ci.Length,
		Link:   link,
		Iface:  uint32(ci.InterfaceIndex),
		File:   s.index,
		Number: s.number,
	}
	s.stats.Packets++
	s.stats.Bytes += uint64(len(data))
	return nil
}

// read calls NgReader, turning a panic on a crafted file into an error: one
// bad input must not bring the auditor down.
func (s *pcapngSource) read() (data []byte, ci gopacket.CaptureInfo, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("pcapng reader failed: %v", v)
		}
	}()
	return s.ng.ZeroCopyReadPacketData()
}

// ngError words NgReader's errors for a person reading the report.
func ngError(err error) string {
	switch {
	case errors.Is(err, errGzipTruncated):
		return err.Error()
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated: the file ends inside a block"
	case errors.Is(err, pcapgo.ErrNgVersionMismatch):
		return "unknown pcapng version (this reader knows 1.0)"
	}
	return "pcapng: " + err.Error()
}
