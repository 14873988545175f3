package report

import (
	"bufio"
	"runtime"
)

// flowPiece is how many flow groups writeFlows encodes at a time, and
// pieceBytesPerGroup the room a piece's buffer starts with per group (a
// gateway's groups take 700-900 bytes of JSON). Small pieces stay in the
// CPUs' caches: with 1,024 groups, growing and copying the buffers took
// as long as encoding.
const (
	flowPiece          = 256
	pieceBytesPerGroup = 1024
)

// encodeGroup appends flow group i to b as the report writes it
// (appendFlowGroup); arena is where it may put its connection states,
// which are not kept once it is appended.
type encodeGroup func(b []byte, i int, arena *StateCounts) ([]byte, error)

// writeFlows writes the elements of the report's flows array, groups 0 to
// n-1, as json.MarshalIndent would inside the report (after its "[", up to
// its "]"). With more than one piece of groups and more than one CPU, the
// pieces are encoded on every CPU at once and written in order; at most
// two a CPU are held at a time. The flows are written after the input has
// been read, every CPU idle but one; encoding them was most of writing a
// gateway's report.
func writeFlows(bw *bufio.Writer, n int, encode encodeGroup) error {
	pieces := (n + flowPiece - 1) / flowPiece
	procs := min(runtime.GOMAXPROCS(0), pieces)
	var err error
	if procs <= 1 {
		var b []byte
		var arena StateCounts
		for k := 0; k < pieces && err == nil; k++ {
			if b, err = encodePiece(b[:0], k, n, encode, &arena); err == nil {
				_, err = bw.Write(b)
			}
		}
	} else {
		err = writePieces(bw, pieces, procs, n, encode)
	}
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	return nil
}

// encodePiece appends piece k of n groups to b, each group after its
// separator.
func encodePiece(b []byte, k, n int, encode encodeGroup, arena *StateCounts) ([]byte, error) {
	for i := k * flowPiece; i < min(n, (k+1)*flowPiece); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		*arena = (*arena)[:0]
		var err error
		if b, err = encode(b, i, arena); err != nil {
			return b, err
		}
	}
	return b, nil
}

// encoded is a piece of groups encoded (encodePiece).
type encoded struct {
	b   []byte
	err error
}

// writePieces encodes the pieces in procs goroutines and writes them in
// order. A worker takes a buffer before it takes a piece, so that the
// piece written next always has one: pieces after it cannot hold every
// buffer while it waits. After an error, the pieces still to come are
// encoded and dropped: every goroutine ends before writePieces returns.
func writePieces(bw *bufio.Writer, pieces, procs, n int, encode encodeGroup) error {
	free := make(chan []byte, 2*procs)
	for range 2 * procs {
		free <- make([]byte, 0, flowPiece*pieceBytesPerGroup)
	}
	next := make(chan int)
	done := make([]chan encoded, pieces)
	for k := range done {
		done[k] = make(chan encoded, 1)
	}
	go func() {
		for k := range pieces {
			next <- k
		}
		close(next)
	}()
	for range procs {
		go func() {
			var arena StateCounts
			for {
				b := <-free
				k, ok := <-next
				if !ok {
					return
				}
				b, err := encodePiece(b[:0], k, n, encode, &arena)
				done[k] <- encoded{b, err}
			}
		}()
	}
	var err error
	for k := range pieces {
		e := <-done[k]
		if err == nil {
			if err = e.err; err == nil {
				_, err = bw.Write(e.b)
			}
		}
		free <- e.b
	}
	return err
}
