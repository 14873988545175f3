package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestDeferredReportsAreBuilds: a report built deferred writes the same
// bytes as one built with its flow groups spelled out, in every format,
// for the test captures and generated flows collected by one collector and
// by several merged; and spells out the same groups when asked.
func TestDeferredReportsAreBuilds(t *testing.T) {
	for _, withSite := range []bool{false, true} {
		m, site := testMatcher(t, withSite)
		flows := append(captureFlows(t, m), syntheticFlows(t, m, 4000, 1)...)
		for _, gc := range goldenCases {
			c := gc.collect(m, flows)
			built := c.Build(testCapture, site)
			if len(built.Flows) <= 2*flowPiece {
				t.Fatalf("%s: %d groups: too few to be written in several pieces", gc.name, len(built.Flows))
			}
			deferred := c.BuildDeferred(testCapture, site)
			if deferred.Flows != nil {
				t.Fatalf("%s: a deferred report has its groups spelled out", gc.name)
			}
			want := reports(t, built)
			for format, got := range reports(t, deferred) {
				if !bytes.Equal(got, want[format]) {
					t.Errorf("%s-site=%v-%s: the deferred report differs: %s", gc.name, withSite, format, firstLineDiff(got, want[format]))
				}
			}
			deferred = c.BuildDeferred(testCapture, site)
			if !reflect.DeepEqual(deferred.FlowGroups(), built.Flows) || !reflect.DeepEqual(deferred, built) {
				t.Errorf("%s-site=%v: the deferred report's groups differ from Build's", gc.name, withSite)
			}
		}
	}
}

// TestDeferredReportOutlivesItsCollector: a deferred report spells out its
// groups when it is written, after its collector went on adding flows (to
// the groups it holds) and merging: it must read as it was built.
func TestDeferredReportOutlivesItsCollector(t *testing.T) {
	m, _ := testMatcher(t, true)
	flows := append(captureFlows(t, m), syntheticFlows(t, m, 3000, 4)...)
	half := len(flows) / 2
	first := NewCollector(m)
	for _, x := range flows[:half] {
		first.Add(x.f, x.r)
	}
	want := jsonOf(t, first)
	c := NewCollector(m)
	for _, x := range flows[:half] {
		c.Add(x.f, x.r)
	}
	r := c.BuildDeferred(testCapture, nil)
	for _, x := range flows[half:] {
		c.Add(x.f, x.r)
	}
	c.Merge(first)
	var b bytes.Buffer
	if err := r.Write(&b, Options{Format: FormatJSON}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("a deferred report changed with its collector: %s", firstLineDiff(b.Bytes(), want))
	}
}

// numberGroups is an encodeGroup that writes each group as its number,
// failing at group fail (-1: never).
func numberGroups(fail int) encodeGroup {
	return func(b []byte, i int, _ *StateCounts) ([]byte, error) {
		if i == fail {
			return b, fmt.Errorf("group %d", i)
		}
		return strconv.AppendInt(b, int64(i), 10), nil
	}
}

// TestWritePiecesInOrder: the flows array written in pieces on several
// goroutines is the one written group after group, for any number of
// groups and goroutines, and an encoding error is returned.
func TestWritePiecesInOrder(t *testing.T) {
	for _, n := range []int{1, flowPiece - 1, flowPiece, flowPiece + 1, 3*flowPiece + 7, 9 * flowPiece} {
		var want bytes.Buffer
		for i := range n {
			if i > 0 {
				want.WriteString(",")
			}
			want.WriteString("\n    " + strconv.Itoa(i))
		}
		pieces := (n + flowPiece - 1) / flowPiece
		for _, procs := range []int{1, 2, 3, 8} {
			var got bytes.Buffer
			bw := bufio.NewWriter(&got)
			if err := writePieces(bw, pieces, procs, n, numberGroups(-1)); err != nil {
				t.Fatal(err)
			}
			bw.Flush()
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%d groups, %d goroutines: %s", n, procs, firstLineDiff(got.Bytes(), want.Bytes()))
			}
			err := writePieces(bufio.NewWriter(&got), pieces, procs, n, numberGroups(n-1))
			if wantErr := fmt.Sprintf("group %d", n-1); err == nil || err.Error() != wantErr {
				t.Errorf("%d groups, %d goroutines, failing at the last: error %v, want %s", n, procs, err, wantErr)
			}
		}
	}
}

// TestWriteFlowsOnOneCPUAndMore: writeFlows, which writes small reports and
// every report on one CPU itself, writes what it writes in pieces on
// several, the array's closing indentation included.
func TestWriteFlowsOnOneCPUAndMore(t *testing.T) {
	for _, n := range []int{0, 1, flowPiece + 1, 5 * flowPiece} {
		var outs [][]byte
		for _, procs := range []int{1, 2} {
			prev := runtime.GOMAXPROCS(procs)
			var got bytes.Buffer
			bw := bufio.NewWriter(&got)
			err := writeFlows(bw, n, numberGroups(-1))
			runtime.GOMAXPROCS(prev)
			if err != nil {
				t.Fatal(err)
			}
			bw.Flush()
			outs = append(outs, got.Bytes())
		}
		var want bytes.Buffer
		for i := range n {
			if i > 0 {
				want.WriteString(",")
			}
			want.WriteString("\n    " + strconv.Itoa(i))
		}
		if n > 0 {
			want.WriteString("\n  ")
		}
		for i, got := range outs {
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%d groups, %d CPUs: %s", n, i+1, firstLineDiff(got, want.Bytes()))
			}
		}
		prev := runtime.GOMAXPROCS(1)
		err := writeFlows(bufio.NewWriter(io.Discard), n, numberGroups(n-1))
		runtime.GOMAXPROCS(prev)
		if n > 0 && (err == nil || err.Error() != fmt.Sprintf("group %d", n-1)) {
			t.Errorf("%d groups on one CPU, failing at the last: error %v", n, err)
		}
	}
}

// TestWritePiecesEnds: after an error in the first piece, writePieces
// still waits for every piece, and its goroutines end.
func TestWritePiecesEnds(t *testing.T) {
	before := runtime.NumGoroutine()
	var encoded atomic.Int64
	count := func(b []byte, i int, a *StateCounts) ([]byte, error) {
		encoded.Add(1)
		if i == 0 {
			return b, errors.New("first")
		}
		return numberGroups(-1)(b, i, a)
	}
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	if err := writePieces(bw, 20, 3, 20*flowPiece, count); err == nil || err.Error() != "first" {
		t.Fatalf("error %v, want first", err)
	}
	bw.Flush()
	if out.Len() != 0 {
		t.Errorf("%d bytes written after the first piece failed", out.Len())
	}
	if got, want := encoded.Load(), int64(19*flowPiece+1); got != want {
		t.Errorf("%d groups encoded when writePieces returned, want %d (all but the failed piece's others)", got, want)
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left running", runtime.NumGoroutine()-before)
		}
	}
}
