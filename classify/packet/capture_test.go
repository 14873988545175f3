package packet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// capPacket is one record of a capture file.
type capPacket struct {
	link uint32
	data []byte
}

// readCapture reads every packet of a pcap or pcapng file, with the link
// type of the interface it was captured on.
func readCapture(path string) ([]capPacket, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pkts []capPacket
	if len(raw) >= 4 && binary.LittleEndian.Uint32(raw) == 0x0a0d0d0a {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true})
		if err != nil {
			return nil, err
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return pkts, nil
				}
				return pkts, err
			}
			link := uint32(r.LinkType())
			if len(ci.AncillaryData) > 0 {
				if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
					link = uint32(lt)
				}
			}
			pkts = append(pkts, capPacket{link, data})
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	link := uint32(r.LinkType())
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return pkts, nil
			}
			return pkts, err
		}
		pkts = append(pkts, capPacket{link, data})
	}
}

// captureFiles lists the pcap and pcapng files under dir, sorted.
func captureFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}
