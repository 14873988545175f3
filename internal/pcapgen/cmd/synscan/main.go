// Command synscan writes a SYN-scan capture: N SYNs from one scanner to
// distinct addresses and ports, none answered: N half-open flows, the
// worst case for a flow table. It feeds the flow-limit benchmark
// (scripts/bench-scan).
//
//	go run ./internal/pcapgen/cmd/synscan -n 10000000 -o /tmp/scan.pcap
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func main() {
	n := flag.Int("n", 1000000, "SYNs to write")
	out := flag.String("o", "", "output `FILE`")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "synscan:", err)
		os.Exit(1)
	}
}

func write(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := pcapgo.NewWriter(bw)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return err
	}
	frame := template()
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for i := range n {
		// Destination 11.x.y.z (outside the internal networks), port 1-65535.
		dst := uint32(0x0b000000) | uint32(i/65535)&0xffffff
		binary.BigEndian.PutUint32(frame[30:], dst)
		binary.BigEndian.PutUint16(frame[36:], uint16(i%65535+1))
		binary.BigEndian.PutUint16(frame[18:], uint16(i))
		ci := gopacket.CaptureInfo{Timestamp: start.Add(time.Duration(i) * time.Microsecond), CaptureLength: len(frame), Length: len(frame)}
		if err := w.WritePacket(ci, frame); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// template is an Ethernet/IPv4/TCP SYN from 10.0.0.9:40000 (checksums are
// not recomputed per packet: the auditor does not check them).
func template() []byte {
	eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: []byte{10, 0, 0, 9}, DstIP: []byte{11, 0, 0, 1}}
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 1, SYN: true, Seq: 1, Window: 1024}
	tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp)
	return buf.Bytes()
}
