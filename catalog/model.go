// Package catalog holds flowaudit's model of documented network requirements:
// services, the roles they name, and the flows each document requires. The
// built-in catalogs are faithful transcriptions of vendor documents; users
// add their own catalogs and bind them to a network with a site file.
package catalog

import (
	"fmt"
	"net/netip"
)

// The two roles every catalog has without declaring them.
const (
	RoleInternal = "internal" // any address in the site's internal networks
	RoleInternet = "internet" // any other address
)

// Zone says where a role's parties normally live.
type Zone string

const (
	ZoneInternal Zone = "internal"
	ZoneInternet Zone = "internet"
	ZoneAny      Zone = "any"
)

// Pos is where something was written: a file and a line.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Source is the document a catalog transcribes.
type Source struct {
	File      string `yaml:"file" json:"file"`
	Title     string `yaml:"title" json:"title"`
	Publisher string `yaml:"publisher,omitempty" json:"publisher,omitempty"`
	Version   string `yaml:"version,omitempty" json:"version,omitempty"`
	Date      string `yaml:"date,omitempty" json:"date,omitempty"`
	Language  string `yaml:"language,omitempty" json:"language,omitempty"`
}

// Service is one catalog file: one vendor document.
type Service struct {
	ID           string
	Title        string
	Source       Source
	Note         string
	Builtin      bool
	Roles        []*Role
	Addresses    []*Address
	Requirements []*Requirement
	Pos          Pos
}

// Role is a party a document names (a management point, a Cassandra node).
type Role struct {
	ID      string
	Name    string // the document's own words
	Summary string
	Zone    Zone
	Service string
	Pos     Pos
}

// Address is an address fact a document states (Azure Sphere's SLIP subnet).
type Address struct {
	Role    string
	Prefix  netip.Prefix
	Section string
	Summary string
	Pos     Pos
}

// Requirement is one documented flow: from a role to a role, on a protocol
// and ports, as one row (and one protocol column) of a document says.
type Requirement struct {
	ID           string
	Service      string
	Section      string
	Row          string
	Summary      string
	From         string
	To           string
	Hosts        []HostPattern
	Proto        Proto
	Ports        PortSet
	ICMPTypes    []uint8
	Dynamic      bool
	Flags        Flags
	Alternatives PortSet
	Pair         string
	FallbackFor  string
	Condition    string
	Note         string
	Pos          Pos
}

// AllFlags returns the written flags plus the derived ones (alternative,
// fallback), in the canonical order.
func (r *Requirement) AllFlags() Flags {
	f := r.Flags
	if len(r.Alternatives) > 0 {
		f |= FlagAlternative
	}
	if r.FallbackFor != "" {
		f |= FlagFallback
	}
	return f
}

// Proto is a transport (or ICMP) protocol a requirement names.
type Proto uint8

const (
	ProtoTCP  Proto = 6
	ProtoUDP  Proto = 17
	ProtoICMP Proto = 1
)

var protoNames = map[Proto]string{ProtoTCP: "tcp", ProtoUDP: "udp", ProtoICMP: "icmp"}

func (p Proto) String() string {
	if s, ok := protoNames[p]; ok {
		return s
	}
	return fmt.Sprintf("proto-%d", uint8(p))
}

// ParseProto reads tcp, udp or icmp.
func ParseProto(s string) (Proto, bool) {
	for p, name := range protoNames {
		if name == s {
			return p, true
		}
	}
	return 0, false
}
