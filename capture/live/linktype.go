package live

import (
	"encoding/binary"
	"fmt"
	"syscall"

	"github.com/flowaudit/flowaudit/capture"
)

// Linux ARPHRD_ device types (if_arp.h) whose frames a packet socket
// delivers with an Ethernet header, or with none at all.
const (
	arphrdEther    = 1
	arphrdPPP      = 512   // ppp_generic (PPPoE, PPTP, L2TP): the kernel keeps no PPP header on the skb
	arphrdRawIP    = 519   // cellular modems (qmi_wwan, rmnet)
	arphrdTunnel   = 768   // IPIP
	arphrdTunnel6  = 769   // IP6-in-IP6
	arphrdLoopback = 772   // lo: an Ethernet header of zero addresses
	arphrdSIT      = 776   // IPv6-in-IPv4
	arphrdNone     = 65534 // tun (OpenVPN and the like), WireGuard
)

// linkOfType is the link type of the frames a packet socket reads from a
// device of ARPHRD type t: Ethernet, or raw IP for the devices that have no
// link-layer header (as libpcap reads them, DLT_RAW). Other devices are
// refused: their frames would be decoded as something they are not.
func linkOfType(t uint16) (capture.LinkType, bool) {
	switch t {
	case arphrdEther, arphrdLoopback:
		return capture.LinkEthernet, true
	case arphrdNone, arphrdPPP, arphrdRawIP, arphrdTunnel, arphrdTunnel6, arphrdSIT:
		return capture.LinkRaw, true
	}
	return 0, false
}

// deviceTypes returns the ARPHRD type of each interface of the calling
// thread's network namespace, by index (netlink RTM_GETLINK: sysfs shows
// the namespace it was mounted in, which --netns does not change).
func deviceTypes() (map[int]uint16, error) {
	rib, err := syscall.NetlinkRIB(syscall.RTM_GETLINK, syscall.AF_UNSPEC)
	if err != nil {
		return nil, fmt.Errorf("listing interfaces: %w", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(rib)
	if err != nil {
		return nil, fmt.Errorf("listing interfaces: %w", err)
	}
	types := map[int]uint16{}
	for _, m := range msgs {
		// struct ifinfomsg: family (1), pad (1), type (2), index (4), ...
		if m.Header.Type == syscall.RTM_NEWLINK && len(m.Data) >= syscall.SizeofIfInfomsg {
			types[int(int32(binary.NativeEndian.Uint32(m.Data[4:])))] = binary.NativeEndian.Uint16(m.Data[2:])
		}
	}
	return types, nil
}

// ifaceLink is the link type of interface ifc's frames, or an error naming
// the interface when flowaudit cannot read them.
func ifaceLink(name string, index int, types map[int]uint16) (capture.LinkType, error) {
	t, ok := types[index]
	if !ok {
		return 0, fmt.Errorf("interface %s: not listed by the kernel", name)
	}
	l, ok := linkOfType(t)
	if !ok {
		return 0, fmt.Errorf("interface %s: device type %d (ARPHRD) is not one flowaudit reads: Ethernet, loopback, and devices without a link-layer header (tun, WireGuard, PPP, raw-IP modems, IP-in-IP tunnels)", name, t)
	}
	return l, nil
}
