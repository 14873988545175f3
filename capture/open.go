package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// Open opens one capture; "-" is standard input. The format is detected from
// the first bytes, never from the name: pcap (four magics), pcapng, and
// either of them gzip-compressed. An input that is not a readable capture
// gives a fatal *Problem; a file the system cannot open gives its *os.PathError.
func Open(name string, opts Options) (Source, error) {
	return openIndexed(name, 0, false, opts)
}

// OpenReader reads a capture from r (a pipe, a network stream, bytes in
// memory); name is used in problems. Close does not close r. Progress has a
// total only when r is a regular *os.File.
func OpenReader(name string, r io.Reader, opts Options) (Source, error) {
	in := input{name: name, total: regularSize(r)}
	return open(in, r, opts)
}

func openIndexed(name string, index int, merged bool, opts Options) (Source, error) {
	in := input{name: name, index: index, merged: merged}
	var r io.Reader
	if name == "-" {
		in.name = "stdin"
		r = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		r, in.closer = f, f
	}
	in.total = regularSize(r)
	src, err := open(in, r, opts)
	if err != nil && in.closer != nil {
		in.closer.Close()
	}
	return src, err
}

// regularSize is the size of r when it is a regular file, else 0 (unknown).
func regularSize(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return 0
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	return st.Size()
}

// open detects the format of r and returns the matching source.
func open(in input, r io.Reader, opts Options) (Source, error) {
	in.raw = &countingReader{r: r}
	var stream io.Reader = in.raw
	var head [4]byte
	n, err := readHead(stream, head[:])
	if err != nil {
		return nil, in.problem(int64(n), 0, true, "read error: %v", err)
	}
	if n == 0 {
		return nil, in.problem(-1, 0, true, "empty file")
	}
	if n >= 2 && head[0] == magicGzip0 && head[1] == magicGzip1 {
		gz, err := gzip.NewReader(bufio.NewReaderSize(&prefixReader{pre: head[:n], r: stream}, 64<<10))
		if err != nil {
			return nil, in.problem(-1, 0, true, "%v", gzipError(err))
		}
		stream = &gzipStream{gz}
		if n, err = readHead(stream, head[:]); err != nil {
			return nil, in.problem(int64(n), 0, true, "%v", err)
		}
		if n == 0 {
			return nil, in.problem(-1, 0, true, "empty file (an empty gzip stream)")
		}
	}
	if n < len(head) {
		return nil, in.problem(-1, 0, true, "not a pcap or pcapng file (only %d bytes: %s)", n, hexPrefix(head[:n]))
	}
	rest := &prefixReader{pre: head[:], r: stream}
	le, be := binary.LittleEndian.Uint32(head[:]), binary.BigEndian.Uint32(head[:])
	switch {
	case le == magicMicro || le == magicNano || be == magicMicro || be == magicNano:
		s, err := newPcap(in, rest, opts)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return s, nil
	case le == magicPcapng:
		s, err := newPcapng(in, rest, opts)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return s, nil
	}
	return nil, in.problem(-1, 0, true, "not a pcap or pcapng file (starts with %s)", hexPrefix(head[:]))
}

// readHead reads up to len(b) bytes; a short stream is not an error.
func readHead(r io.Reader, b []byte) (int, error) {
	n, err := io.ReadFull(r, b)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return n, err
}

// prefixReader returns pre, then reads from r. Format detection reads the
// first bytes of a stream that cannot be rewound (standard input, gzip).
type prefixReader struct {
	pre []byte
	r   io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if len(p.pre) > 0 {
		n := copy(b, p.pre)
		p.pre = p.pre[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// gzipStream words the errors of a gzip stream for a report: a cut-off
// download is "truncated", not an "unexpected EOF".
type gzipStream struct{ r io.Reader }

func (g *gzipStream) Read(b []byte) (int, error) {
	n, err := g.r.Read(b)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

// errGzipTruncated is the read error of a gzip stream that stops early.
var errGzipTruncated = errors.New("gzip: the compressed stream is truncated")

func gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errGzipTruncated
	}
	return err
}
