package report

import (
	"bytes"
	"io"
	"testing"
)

// benchFlows are the flows the benchmarks feed: generated gateway traffic
// and the test captures, with the example roles bound. starts holds the
// flows that start a group, joins the others.
func benchFlows(b *testing.B) (c *Collector, all, starts, joins []classified) {
	b.Helper()
	m, _ := testMatcher(b, true)
	all = append(captureFlows(b, m), syntheticFlows(b, m, 40000, 2)...)
	c = NewCollector(m)
	for _, x := range all {
		n := len(c.order)
		c.Add(x.f, x.r)
		if len(c.order) > n {
			starts = append(starts, x)
		} else {
			joins = append(joins, x)
		}
	}
	return c, all, starts, joins
}

// BenchmarkAddNewGroup is Add of a flow that starts a group.
func BenchmarkAddNewGroup(b *testing.B) {
	c, _, starts, _ := benchFlows(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(starts) == 0 {
			b.StopTimer()
			c = NewCollector(c.m)
			b.StartTimer()
		}
		x := starts[i%len(starts)]
		c.Add(x.f, x.r)
	}
}

// BenchmarkAddExistingGroup is Add of a flow that joins a group.
func BenchmarkAddExistingGroup(b *testing.B) {
	c, _, _, joins := benchFlows(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := joins[i%len(joins)]
		c.Add(x.f, x.r)
	}
}

// BenchmarkMerge is a pipeline's Report: a worker's collector merged into
// an empty one.
func BenchmarkMerge(b *testing.B) {
	c, _, _, _ := benchFlows(b)
	b.ReportAllocs()
	for b.Loop() {
		NewCollector(c.m).Merge(c)
	}
	b.ReportMetric(float64(len(c.order)), "groups")
}

// BenchmarkMergeTwo merges two workers' collectors into an empty one.
func BenchmarkMergeTwo(b *testing.B) {
	c, all, _, _ := benchFlows(b)
	parts := [2]*Collector{NewCollector(c.m), NewCollector(c.m)}
	for i, x := range all {
		parts[i%2].Add(x.f, x.r)
	}
	b.ReportAllocs()
	for b.Loop() {
		m := NewCollector(c.m)
		m.Merge(parts[0])
		m.Merge(parts[1])
	}
}

func BenchmarkBuild(b *testing.B) {
	c, _, _, _ := benchFlows(b)
	b.ReportAllocs()
	for b.Loop() {
		c.Build(testCapture, nil)
	}
	b.ReportMetric(float64(len(c.order)), "groups")
}

func BenchmarkWriteJSON(b *testing.B) {
	c, _, _, _ := benchFlows(b)
	r := c.Build(testCapture, nil)
	benchWriteJSON(b, r, len(r.Flows))
}

// BenchmarkWriteDeferredJSON is Write of a report built deferred: each
// group spelled out as it is written (the audit command's way).
func BenchmarkWriteDeferredJSON(b *testing.B) {
	c, _, _, _ := benchFlows(b)
	r := c.BuildDeferred(testCapture, nil)
	benchWriteJSON(b, r, len(r.pending.groups))
}

// benchWriteJSON times writing r, of groups flow groups, as JSON.
func benchWriteJSON(b *testing.B, r *Report, groups int) {
	var buf bytes.Buffer
	if err := r.Write(&buf, Options{Format: FormatJSON}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Write(io.Discard, Options{Format: FormatJSON}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(groups), "groups")
}
