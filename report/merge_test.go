package report

import (
	"bytes"
	"sync"
	"testing"
)

func jsonOf(t *testing.T, c *Collector) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := c.Build(testCapture, nil).Write(&b, Options{Format: FormatJSON}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestMergeSharesSafely: a merged collector shares its groups with the
// one it was merged into. Reports built from either must not change when
// the other changes afterwards, as in live mode, where workers go on
// adding flows after each periodic report.
func TestMergeSharesSafely(t *testing.T) {
	m, _ := testMatcher(t, true)
	flows := append(captureFlows(t, m), syntheticFlows(t, m, 3000, 4)...)
	half := len(flows) / 2
	add := func(c *Collector, flows []classified) *Collector {
		for _, x := range flows {
			c.Add(x.f, x.r)
		}
		return c
	}
	want := jsonOf(t, add(NewCollector(m), flows))
	wantFirst := jsonOf(t, add(NewCollector(m), flows[:half]))

	worker := add(NewCollector(m), flows[:half])
	report1 := NewCollector(m)
	report1.Merge(worker)
	r1 := report1.Build(testCapture, nil)
	render := func() []byte {
		var b bytes.Buffer
		if err := r1.Write(&b, Options{Format: FormatJSON}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if !bytes.Equal(render(), wantFirst) {
		t.Fatal("the report of a merged collector differs from its own")
	}
	// The report's collector changes its copies: another worker merged in.
	report1.Merge(add(NewCollector(m), flows[half:]))
	if !bytes.Equal(render(), wantFirst) {
		t.Fatal("a report changed when its collector did")
	}
	// The worker changes its groups.
	add(worker, flows[half:])
	if !bytes.Equal(render(), wantFirst) {
		t.Fatal("a report built before the worker went on changed")
	}
	if got := jsonOf(t, worker); !bytes.Equal(got, want) {
		t.Fatal("the worker's groups changed when the collector it was merged into did")
	}
	report2 := NewCollector(m)
	report2.Merge(worker)
	if got := jsonOf(t, report2); !bytes.Equal(got, want) {
		t.Fatal("a second report of the worker differs from a collector fed the same flows")
	}
}

// TestMergeWhileAdding builds reports while a worker adds flows, as live
// mode does; go test -race checks that they share groups safely.
func TestMergeWhileAdding(t *testing.T) {
	m, _ := testMatcher(t, true)
	flows := append(captureFlows(t, m), syntheticFlows(t, m, 3000, 5)...)
	var mu sync.Mutex
	worker := NewCollector(m)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, x := range append(flows, flows...) {
			mu.Lock()
			worker.Add(x.f, x.r)
			mu.Unlock()
		}
	}()
	var b bytes.Buffer
	for reports := 0; ; reports++ {
		select {
		case <-done:
			if reports == 0 {
				t.Log("the worker finished before a report was built")
			}
			return
		default:
		}
		all := NewCollector(m)
		mu.Lock()
		all.Merge(worker)
		mu.Unlock()
		b.Reset()
		if err := all.Build(testCapture, nil).Write(&b, Options{Format: FormatJSON}); err != nil {
			t.Fatal(err)
		}
	}
}
