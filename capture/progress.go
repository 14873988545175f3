package capture

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Bar is a one-line progress display for a long replay: bytes done of the
// total (and percent), packets per second, and a caller-supplied flow count.
// It writes only when its writer is a terminal, so logs and pipes stay clean,
// and redraws at most four times a second.
//
// It is driven from the read loop (Tick after each packet) rather than by a
// timer goroutine, so that the source's counters need no synchronisation;
// Tick looks at the clock only every 256 packets.
//
//	bar := capture.NewBar(os.Stderr, src, table.Len)
//	for { err := src.Next(&p); ...; bar.Tick() }
//	bar.Finish()
type Bar struct {
	w     io.Writer
	src   interface{ Progress() (done, total int64) }
	flows func() int
	on    bool

	packets  uint64
	lastPkts uint64
	last     time.Time
	drawn    bool
	now      func() time.Time
}

// barInterval is the least time between two redraws.
const barInterval = 250 * time.Millisecond

// NewBar returns a bar showing src's progress on w. flows may be nil. The bar
// is inert (every method returns at once) unless w is a terminal.
func NewBar(w io.Writer, src interface{ Progress() (done, total int64) }, flows func() int) *Bar {
	return newBar(w, src, flows, IsTerminal(w))
}

func newBar(w io.Writer, src interface{ Progress() (done, total int64) }, flows func() int, on bool) *Bar {
	b := &Bar{w: w, src: src, flows: flows, on: on, now: time.Now}
	b.last = b.now()
	return b
}

// IsTerminal reports whether w is a character device other than the null
// device: a terminal, as far as the standard library can tell without ioctls.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(st, null) {
		return false
	}
	return true
}

// Tick counts one packet and redraws if a quarter second has passed.
func (b *Bar) Tick() {
	b.packets++
	if b.packets&255 != 0 || !b.on {
		return
	}
	b.maybeDraw()
}

func (b *Bar) maybeDraw() {
	now := b.now()
	if now.Sub(b.last) < barInterval {
		return
	}
	b.draw(now)
}

func (b *Bar) draw(now time.Time) {
	rate := float64(b.packets-b.lastPkts) / now.Sub(b.last).Seconds()
	b.last, b.lastPkts = now, b.packets
	done, total := b.src.Progress()
	line := "\r" + sizeString(done)
	if total > 0 {
		pct := 100 * float64(done) / float64(total)
		line += fmt.Sprintf(" / %s (%3.0f%%)", sizeString(total), min(pct, 100))
	}
	line += "  " + rateString(rate)
	if b.flows != nil {
		line += fmt.Sprintf("  %d flows", b.flows())
	}
	io.WriteString(b.w, line+"\x1b[K")
	b.drawn = true
}

// Finish clears the bar's line, leaving the terminal for the report.
func (b *Bar) Finish() {
	if b.on && b.drawn {
		io.WriteString(b.w, "\r\x1b[K")
		b.drawn = false
	}
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func rateString(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2f Mpkt/s", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.1f kpkt/s", r/1e3)
	}
	return fmt.Sprintf("%.0f pkt/s", r)
}
