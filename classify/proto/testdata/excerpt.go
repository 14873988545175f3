//go:build ignore

// excerpt writes the packets of a capture that the proto parsers' tests
// need, unchanged (same bytes, timestamps, link type), to a smaller pcap:
// every UDP packet to or from port 53, every SYN, and the client-to-server
// TCP segments that carry the first N bytes of each connection (where the
// ClientHello or the request head is). Usage, from this directory:
//
//	go run excerpt.go [-n 16384] IN OUT
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

var keepBytes = flag.Uint("n", 16<<10, "client bytes kept per TCP connection")

func main() {
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run excerpt.go [-n BYTES] IN OUT")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(4)
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var lt layers.LinkType
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return err
		}
		src, lt = r, r.LinkType()
	} else {
		r, err := pcapgo.NewReader(br)
		if err != nil {
			return err
		}
		src, lt = r, r.LinkType()
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := pcapgo.NewWriter(o)
	if err := w.WriteFileHeader(65536, lt); err != nil {
		return err
	}
	isn := map[string]uint32{} // client flow -> sequence number of its SYN
	kept := 0
	for {
		data, ci, err := src.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		p := gopacket.NewPacket(data, lt, gopacket.Default)
		keep := false
		if net := p.NetworkLayer(); net != nil {
			switch t := p.TransportLayer().(type) {
			case *layers.UDP:
				keep = t.SrcPort == 53 || t.DstPort == 53
			case *layers.TCP:
				key := net.NetworkFlow().String() + " " + t.TransportFlow().String()
				if t.SYN {
					keep = true
					if !t.ACK {
						isn[key] = t.Seq
					}
				} else if s, ok := isn[key]; ok && len(t.Payload) > 0 {
					keep = t.Seq-s-1 < uint32(*keepBytes)
				}
			}
		}
		if keep {
			ci.CaptureLength = len(data)
			if err := w.WritePacket(ci, data); err != nil {
				return err
			}
			kept++
		}
	}
	fmt.Printf("%s: kept %d packets\n", out, kept)
	return o.Close()
}
