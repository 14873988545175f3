package live

import "sync"

// dropLog remembers when an engine lost frames, as a bounded list of time
// intervals (Unix ns), so that a flow active at such a time can be marked:
// its verdict may rest on incomplete data.
type dropLog struct {
	mu    sync.Mutex
	spans [][2]int64
	total uint64
}

const maxDropSpans = 1024

// note records that the drop counter reads total at time now (called
// once per tick).
func (d *dropLog) note(now int64, total uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if total <= d.total {
		return
	}
	d.total = total
	// The frames were lost since the previous tick.
	start := now - 2*int64(TickInterval)
	if n := len(d.spans); n > 0 && (start <= d.spans[n-1][1] || n == maxDropSpans) {
		d.spans[n-1][1] = now
		return
	}
	d.spans = append(d.spans, [2]int64{start, now})
}

// overlaps reports whether frames were lost between first and last.
func (d *dropLog) overlaps(first, last int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.spans) - 1; i >= 0; i-- {
		s := d.spans[i]
		if s[0] <= last && first <= s[1] {
			return true
		}
		if s[1] < first {
			return false
		}
	}
	return false
}
