package capture_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/flowaudit/flowaudit/capture"
)

// The read loop every caller writes: packets until io.EOF, non-fatal
// problems reported and skipped, a fatal one (single input only) ends it.
func ExampleOpenAll() {
	src, err := capture.OpenAll([]string{"monday.pcap.gz", "tuesday.pcapng"}, capture.Options{})
	if err != nil {
		log.Fatal(err) // no inputs, or a file the system cannot open
	}
	defer src.Close()
	flows := 0
	bar := capture.NewBar(os.Stderr, src, func() int { return flows })
	var p capture.Packet
	for {
		err := src.Next(&p)
		if err == io.EOF {
			break
		}
		var prob *capture.Problem
		if errors.As(err, &prob) {
			fmt.Fprintln(os.Stderr, "warning:", prob) // prob.Ended: that input stopped here
			if prob.Fatal {
				break
			}
			continue
		}
		// decode p.Data (valid until the next Next) according to p.Link ...
		flows++
		bar.Tick()
	}
	bar.Finish()
	st := src.Stats()
	fmt.Printf("%d packets, %d problems, %d damaged records skipped\n", st.Packets, st.Problems, st.Skipped)
}
