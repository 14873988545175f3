package live

import (
	"net"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/capture"
)

// TestIfaceLink: Ethernet and loopback devices give Ethernet frames,
// devices without a link-layer header raw IP; others are refused, naming
// the interface.
func TestIfaceLink(t *testing.T) {
	types := map[int]uint16{1: arphrdEther, 2: arphrdLoopback, 3: arphrdNone, 4: arphrdPPP, 5: 801 /* 802.11 */, 6: 778 /* GRE */}
	for i, want := range map[int]capture.LinkType{1: capture.LinkEthernet, 2: capture.LinkEthernet, 3: capture.LinkRaw, 4: capture.LinkRaw} {
		if got, err := ifaceLink("x", i, types); err != nil || got != want {
			t.Errorf("index %d: %v, %v; want %v", i, got, err, want)
		}
	}
	for _, i := range []int{5, 6, 7} {
		if _, err := ifaceLink("wlan9", i, types); err == nil || !strings.Contains(err.Error(), "wlan9") {
			t.Errorf("index %d: %v, want an error naming the interface", i, err)
		}
	}
}

// TestDeviceTypes: the kernel's list has the loopback device, as type
// 772, under its index.
func TestDeviceTypes(t *testing.T) {
	types, err := deviceTypes()
	if err != nil {
		t.Fatal(err)
	}
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	if types[lo.Index] != arphrdLoopback {
		t.Errorf("lo (index %d): type %d, want %d; all: %v", lo.Index, types[lo.Index], arphrdLoopback, types)
	}
}
