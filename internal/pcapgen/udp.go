package main

import (
	"bytes"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// The catalog's UDP services between internal hosts (and NTP outside).

// dhcpSession: a client renews its lease (DHCPREQUEST, DHCPACK) with the DHCP server.
func (g *gen) dhcpSession(s *session) {
	cl := g.client()
	fi := s.add(g.newFlow(protoUDP, cl.ep(false, 68), g.net.dhcp.ep(false, 67), cl.vlan))
	xid := g.r.Uint32()
	g.udp(s, fi, g.now, 0, g.dhcp(cl, xid, layers.DHCPMsgTypeRequest), 0)
	g.udp(s, fi, g.now+g.ms(0.5, 20), 1, g.dhcp(cl, xid, layers.DHCPMsgTypeAck), 0)
}

func (g *gen) dhcp(cl *host, xid uint32, typ layers.DHCPMsgType) []byte {
	d := &layers.DHCPv4{Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6,
		Xid: xid, ClientIP: cl.v4.AsSlice(), ClientHWAddr: cl.mac[:],
		Options: layers.DHCPOptions{layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(typ)})}}
	if typ == layers.DHCPMsgTypeAck {
		d.Operation, d.YourClientIP = layers.DHCPOpReply, cl.v4.AsSlice()
		d.Options = append(d.Options,
			layers.NewDHCPOption(layers.DHCPOptServerID, g.net.dhcp.v4.AsSlice()),
			layers.NewDHCPOption(layers.DHCPOptLeaseTime, []byte{0, 1, 0x51, 0x80}),
			layers.NewDHCPOption(layers.DHCPOptSubnetMask, []byte{255, 255, 0, 0}),
			layers.NewDHCPOption(layers.DHCPOptRouter, []byte{10, 0, 0, 1}),
			layers.NewDHCPOption(layers.DHCPOptDNS, g.net.resolver.v4.AsSlice()))
	} else {
		d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptHostname, []byte("WKS-"+cl.v4.String())),
			layers.NewDHCPOption(layers.DHCPOptParamsRequest, []byte{1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252}))
	}
	d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptEnd, nil))
	buf := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		panic(err)
	}
	return bytes.Clone(buf.Bytes())
}

// tftpSession: a PXE client reads a boot file from the distribution point: the request to 69,
// the data from another port of the server, 512 bytes a block, each acknowledged.
func (g *gen) tftpSession(s *session) {
	cl, dp := g.client(), g.net.dp
	cport := cl.ephemeral()
	req := s.add(g.newFlow(protoUDP, cl.ep(false, cport), dp.ep(false, 69), cl.vlan))
	data := s.add(g.newFlow(protoUDP, dp.ep(false, uint16(49152+g.r.IntN(16384))), cl.ep(false, cport), cl.vlan))
	t := g.now
	g.udp(s, req, t, 0, []byte("\x00\x01boot\\x64\\wdsnbp.com\x00octet\x00"), 0)
	blocks, rtt := 20+g.r.IntN(200), g.ms(0.2, 2)
	for b := 1; b <= blocks; b++ {
		t += g.ms(0.01, 0.2)
		n := 512
		if b == blocks {
			n = g.r.IntN(512)
		}
		g.udp(s, data, t, 0, []byte{0, 3, byte(b >> 8), byte(b)}, n)
		t += rtt
		g.udp(s, data, t, 1, []byte{0, 4, byte(b >> 8), byte(b)}, 0)
	}
}

// ntpSession: a client asks a domain controller, or time.windows.com after a lookup.
func (g *gen) ntpSession(s *session) {
	cl, t := g.client(), g.now
	srv, rtt := pick(g, g.net.dc).ep(false, 123), g.ms(0.1, 2)
	if g.chance(0.3) {
		var a netip.Addr
		t, a = g.lookup(s, cl, false, g.net.other[0], t)
		srv, rtt = external(a, 123), g.ms(5, 50)
	}
	fi := s.add(g.newFlow(protoUDP, cl.ep(false, 123), srv, cl.vlan))
	for range g.count(1.5) {
		g.udp(s, fi, t, 0, ntp(0x23, 0), 40)
		g.udp(s, fi, t+rtt, 1, ntp(0x24, 2), 40)
		t += g.ms(1000, 3000)
	}
}

func ntp(mode, stratum byte) []byte { return []byte{mode, stratum, 17, 0xe9, 0, 0, 0, 0} }

// netbiosSession: a name query to the WINS server on 137, or a broadcast datagram on 138.
func (g *gen) netbiosSession(s *session) {
	cl := g.client()
	if g.chance(0.4) {
		bcast := endpoint{addr: netip.AddrFrom4([4]byte{10, 0, 255, 255}), mac: [6]byte{255, 255, 255, 255, 255, 255}, port: 138, ttl: 128}
		fi := s.add(g.newFlow(protoUDP, cl.ep(false, 138), bcast, cl.vlan))
		g.udp(s, fi, g.now, 0, []byte{0x11, 0x02, byte(g.r.Uint32()), byte(g.r.Uint32())}, 180+g.r.IntN(60))
		return
	}
	fi := s.add(g.newFlow(protoUDP, cl.ep(false, 137), g.net.dc[0].ep(false, 137), cl.vlan))
	id := []byte{byte(g.r.Uint32()), byte(g.r.Uint32())}
	g.udp(s, fi, g.now, 0, append(id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0), 38)
	g.udp(s, fi, g.now+g.ms(0.2, 3), 1, append(id, 0x85, 0x80, 0, 0, 0, 1, 0, 0, 0, 0), 50)
}

// sqlBrowserSession: a client asks the SQL Server Browser on 1434 which port an instance has.
func (g *gen) sqlBrowserSession(s *session) {
	cl := g.client()
	fi := s.add(g.newFlow(protoUDP, cl.ep(false, cl.ephemeral()), g.net.sql.ep(false, 1434), cl.vlan))
	resp := "ServerName;SQL01;InstanceName;MSSQLSERVER;IsClustered;No;Version;15.0.2000.5;tcp;1433;;"
	g.udp(s, fi, g.now, 0, []byte{3}, 0)
	g.udp(s, fi, g.now+g.ms(0.2, 3), 1, append([]byte{5, byte(len(resp)), 0}, resp...), 0)
}
