package capture

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

type fakeProgress struct{ done, total int64 }

func (f *fakeProgress) Progress() (int64, int64) { return f.done, f.total }

func TestBarSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := NewBar(&buf, &fakeProgress{1, 2}, func() int { return 3 })
	for i := 0; i < 100000; i++ {
		b.Tick()
	}
	b.Finish()
	if buf.Len() != 0 {
		t.Fatalf("wrote %q to a non-terminal", buf.String())
	}

	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	for _, f := range []*os.File{devnull, w} {
		if IsTerminal(f) {
			t.Errorf("%s is not a terminal", f.Name())
		}
	}
}

func TestBarDraws(t *testing.T) {
	var buf bytes.Buffer
	src := &fakeProgress{done: 3 << 20, total: 12 << 20}
	flows := 41
	b := newBar(&buf, src, func() int { return flows }, true)
	now := time.Unix(1000, 0)
	b.now = func() time.Time { return now }
	b.last = now

	ticks := func(n int) {
		for i := 0; i < n; i++ {
			b.Tick()
		}
	}
	ticks(512) // no time has passed: nothing drawn
	if buf.Len() != 0 {
		t.Fatalf("drew too early: %q", buf.String())
	}
	now = now.Add(time.Second)
	flows = 42
	ticks(512)
	got := buf.String()
	want := "\r3.0 MiB / 12.0 MiB ( 25%)  768 pkt/s  42 flows\x1b[K"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	now = now.Add(100 * time.Millisecond) // under the redraw interval
	ticks(1024)
	if buf.String() != want {
		t.Fatalf("redrew within 250 ms: %q", buf.String())
	}
	now = now.Add(200 * time.Millisecond)
	src.total = 0 // unknown size (stdin)
	ticks(256)
	if !strings.HasSuffix(buf.String(), "\r3.0 MiB  5.1 kpkt/s  42 flows\x1b[K") {
		t.Fatalf("got %q", buf.String())
	}
	b.Finish()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Fatalf("Finish did not clear the line: %q", buf.String())
	}
}
