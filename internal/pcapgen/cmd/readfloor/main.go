// Command readfloor reads a pcap file with pcapgo's ZeroCopyReadPacketData and does nothing
// else with the packets: the floor for any Go reader of the file. scripts/bench-e2e times it.
//
//	go run ./internal/pcapgen/cmd/readfloor FILE
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket/pcapgo"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] == "-h" || os.Args[1] == "--help" {
		fmt.Fprintln(os.Stderr, "usage: readfloor FILE.pcap\n\nCounts the packets of FILE read with pcapgo's ZeroCopyReadPacketData (1 MiB buffered reads).")
		os.Exit(2)
	}
	n, size, err := read(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "readfloor:", err)
		os.Exit(1)
	}
	fmt.Printf("%d packets, %d bytes\n", n, size)
}

func read(name string) (n, size int64, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, 0, err
	}
	for {
		data, _, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			return n, size, nil
		}
		if err != nil {
			return n, size, fmt.Errorf("packet %d: %w", n+1, err)
		}
		n++
		size += int64(len(data))
	}
}
