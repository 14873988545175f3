package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// The clsact fallback for kernels without TCX (before 6.6): a clsact qdisc
// on the interface and a direct-action bpf filter on its ingress and egress
// hooks, set up with rtnetlink. Unlike a TCX link, a filter outlives the
// process that added it: Close removes ours, and since a process killed
// with SIGKILL cannot, attaching first removes whatever a previous flowaudit
// left at our priority (TCPriority) on the interface.

// TCPriority is the tc filter priority of flowaudit's clsact filters.
const TCPriority = 0xfa01

const (
	tcHClsact     = 0xFFFFFFF1
	tcHMinIngress = 0xFFF2
	tcHMinEgress  = 0xFFF3
	tcaKind       = 1
	tcaOptions    = 2
	tcaBPFFD      = 6
	tcaBPFName    = 7
	tcaBPFFlags   = 8
	tcaBPFDirect  = 1
	ethPAllBE     = 0x0300 // htons(ETH_P_ALL)
)

// netlinkConn is an rtnetlink socket, bound to the namespace it was opened in.
type netlinkConn struct {
	fd  int
	seq uint32
}

func openNetlink() (*netlinkConn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	tv := unix.Timeval{Sec: 5}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return &netlinkConn{fd: fd}, nil
}

func (c *netlinkConn) Close() error { return unix.Close(c.fd) }

func appendAttr(b []byte, typ uint16, data []byte) []byte {
	n := 4 + len(data)
	b = binary.NativeEndian.AppendUint16(b, uint16(n))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// tcRequest sends an RTM_* message with a tcmsg and attributes, and waits
// for the kernel's acknowledgement.
func (c *netlinkConn) tcRequest(msgType, flags uint16, ifindex int, handle, parent, info uint32, attrs []byte) error {
	_, err := c.tcExchange(msgType, flags|unix.NLM_F_ACK, ifindex, handle, parent, info, attrs)
	return err
}

// tcFilterCount counts the filters on a clsact hook of an interface.
func (c *netlinkConn) tcFilterCount(ifindex int, parent uint32) (int, error) {
	return c.tcExchange(unix.RTM_GETTFILTER, unix.NLM_F_DUMP, ifindex, 0, parent, 0, nil)
}

// tcExchange sends one message and reads the answer: an acknowledgement,
// or (NLM_F_DUMP) a series of messages, which it counts.
func (c *netlinkConn) tcExchange(msgType, flags uint16, ifindex int, handle, parent, info uint32, attrs []byte) (int, error) {
	c.seq++
	body := make([]byte, 0, 20+len(attrs))
	body = append(body, unix.AF_UNSPEC, 0, 0, 0)
	body = binary.NativeEndian.AppendUint32(body, uint32(int32(ifindex)))
	body = binary.NativeEndian.AppendUint32(body, handle)
	body = binary.NativeEndian.AppendUint32(body, parent)
	body = binary.NativeEndian.AppendUint32(body, info)
	body = append(body, attrs...)
	msg := make([]byte, 0, 16+len(body))
	msg = binary.NativeEndian.AppendUint32(msg, uint32(16+len(body)))
	msg = binary.NativeEndian.AppendUint16(msg, msgType)
	msg = binary.NativeEndian.AppendUint16(msg, flags|unix.NLM_F_REQUEST)
	msg = binary.NativeEndian.AppendUint32(msg, c.seq)
	msg = binary.NativeEndian.AppendUint32(msg, 0)
	msg = append(msg, body...)
	if err := unix.Sendto(c.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, err
	}
	buf := make([]byte, 1<<16)
	count := 0
	for {
		n, _, err := unix.Recvfrom(c.fd, buf, 0)
		if err != nil {
			return count, err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return count, err
		}
		for _, m := range msgs {
			if m.Header.Seq != c.seq {
				continue
			}
			switch m.Header.Type {
			case unix.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if e := int32(binary.NativeEndian.Uint32(m.Data)); e != 0 {
						return count, syscall.Errno(-e)
					}
				}
				return count, nil
			case unix.NLMSG_DONE:
				return count, nil
			default:
				count++
			}
		}
	}
}

// tcFilter is one attached clsact filter.
type tcFilter struct {
	conn    *netlinkConn
	ifindex int
	parent  uint32
}

func clsactParent(egress bool) uint32 {
	if egress {
		return 0xFFFF0000 | tcHMinEgress
	}
	return 0xFFFF0000 | tcHMinIngress
}

// attachClsact adds (creating the clsact qdisc if needed) a direct-action
// bpf filter running the program progFD on one hook of the interface.
func attachClsact(c *netlinkConn, ifindex, progFD int, name string, egress bool) (*tcFilter, error) {
	f := &tcFilter{conn: c, ifindex: ifindex, parent: clsactParent(egress)}
	err := c.tcRequest(unix.RTM_NEWQDISC, unix.NLM_F_CREATE|unix.NLM_F_EXCL, ifindex, 0xFFFF0000, tcHClsact, 0,
		appendAttr(nil, tcaKind, []byte("clsact\x00")))
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, fmt.Errorf("adding a clsact qdisc: %w", err)
	}
	// A filter a killed flowaudit left behind.
	_ = f.remove()
	var opts []byte
	opts = appendAttr(opts, tcaBPFFD, binary.NativeEndian.AppendUint32(nil, uint32(progFD)))
	opts = appendAttr(opts, tcaBPFName, append([]byte(name), 0))
	opts = appendAttr(opts, tcaBPFFlags, binary.NativeEndian.AppendUint32(nil, tcaBPFDirect))
	attrs := appendAttr(nil, tcaKind, []byte("bpf\x00"))
	attrs = appendAttr(attrs, tcaOptions|unix.NLA_F_NESTED, opts)
	if err := c.tcRequest(unix.RTM_NEWTFILTER, unix.NLM_F_CREATE|unix.NLM_F_EXCL, ifindex, 1, f.parent, TCPriority<<16|ethPAllBE, attrs); err != nil {
		return nil, fmt.Errorf("adding a tc bpf filter: %w", err)
	}
	return f, nil
}

// remove deletes every filter at our priority on the filter's hook.
func (f *tcFilter) remove() error {
	return f.conn.tcRequest(unix.RTM_DELTFILTER, 0, f.ifindex, 0, f.parent, TCPriority<<16|ethPAllBE, nil)
}

// Close removes the filter, and the clsact qdisc when no filter is left on
// it (one a killed flowaudit created is removed too; another program's
// filters keep it).
func (f *tcFilter) Close() error {
	err := f.remove()
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.EINVAL) {
		err = nil
	}
	in, e1 := f.conn.tcFilterCount(f.ifindex, clsactParent(false))
	out, e2 := f.conn.tcFilterCount(f.ifindex, clsactParent(true))
	if e1 == nil && e2 == nil && in == 0 && out == 0 {
		_ = f.conn.tcRequest(unix.RTM_DELQDISC, 0, f.ifindex, 0xFFFF0000, tcHClsact, 0, appendAttr(nil, tcaKind, []byte("clsact\x00")))
	}
	return err
}
