package catalog

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	serviceIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	localIDPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// ParseService reads one catalog file. It checks what a single file can
// check: fields, types, ranges, id forms, references to its own roles and
// requirements. References to other catalogs' roles are checked by Build.
func ParseService(file string, data []byte) (*Service, error) {
	return parseService(file, data, true)
}

// parseService is ParseService; strict also decodes the file with
// KnownFields, a second parse of the whole file (6 ms of the built-in
// catalog's 13 ms). The built-in catalogs skip it at run time: they are
// embedded, and TestBuiltinDecodesStrictly decodes each of them so.
func parseService(file string, data []byte, strict bool) (*Service, error) {
	d := &nodeReader{file: file}
	root := d.parseYAML(data)
	if root == nil {
		return nil, d.problems.err()
	}
	top := d.fields(root, "", catalogKeys...)
	if top == nil {
		return nil, d.problems.err()
	}
	s := &Service{Pos: d.pos(root)}
	d.service(s, top, root)
	for i, n := range d.seq(top, "roles", "") {
		d.role(s, n, fmt.Sprintf("roles[%d]", i))
	}
	for i, n := range d.seq(top, "addresses", "") {
		d.address(s, n, fmt.Sprintf("addresses[%d]", i))
	}
	reqNodes := d.seq(top, "requirements", "")
	if top["requirements"] == nil {
		d.problems.add(d.pos(root), "requirements", "missing; a catalog lists at least one requirement")
	}
	for i, n := range reqNodes {
		d.requirement(s, n, fmt.Sprintf("requirements[%d]", i))
	}
	d.crossCheck(s)
	if len(d.problems) == 0 && strict {
		if err := strictCheck(data, &fileCatalog{}); err != nil {
			d.problems.add(Pos{File: file, Line: yamlErrLine(err)}, "", "%s", yamlErrText(err))
		}
	}
	return s, d.problems.err()
}

func (d *nodeReader) service(s *Service, top map[string]*yaml.Node, root *yaml.Node) {
	n := top["service"]
	if n == nil {
		d.problems.add(d.pos(root), "service", "missing; a catalog starts with service: {id, title, source}")
		return
	}
	m := d.fields(n, "service", serviceKeys...)
	if m == nil {
		return
	}
	s.ID = d.required(m, "id", "service", n)
	if s.ID != "" && !serviceIDPattern.MatchString(s.ID) {
		d.problems.add(d.pos(m["id"]), "service.id", "%q is not a kebab-case id; use lower-case letters, digits and single dashes, e.g. \"configmgr\"", s.ID)
	}
	if s.ID == RoleInternal || s.ID == RoleInternet {
		d.problems.add(d.pos(m["id"]), "service.id", "%q is reserved for the built-in role", s.ID)
	}
	s.Title = d.required(m, "title", "service", n)
	s.Note = d.str(m, "note", "service")
	src := m["source"]
	if src == nil {
		d.problems.add(d.pos(n), "service.source", "missing; say which document this catalog transcribes: {file, title}")
		return
	}
	sm := d.fields(src, "service.source", sourceKeys...)
	if sm == nil {
		return
	}
	s.Source = Source{
		File:      d.required(sm, "file", "service.source", src),
		Title:     d.required(sm, "title", "service.source", src),
		Publisher: d.str(sm, "publisher", "service.source"),
		Version:   d.str(sm, "version", "service.source"),
		Date:      d.str(sm, "date", "service.source"),
		Language:  d.str(sm, "language", "service.source"),
	}
}

// localID checks "<service>/<kebab-name>".
func (d *nodeReader) localID(s *Service, n *yaml.Node, field, id, what string) {
	if id == "" || s.ID == "" {
		return
	}
	prefix, name, ok := strings.Cut(id, "/")
	if !ok || prefix != s.ID || !localIDPattern.MatchString(name) {
		d.problems.add(d.pos(n), field, "%q is not a valid %s id; want %s/<kebab-case-name>", id, what, s.ID)
	}
}

func (d *nodeReader) role(s *Service, n *yaml.Node, path string) {
	m := d.fields(n, path, roleKeys...)
	if m == nil {
		return
	}
	r := &Role{Service: s.ID, Pos: d.pos(n)}
	r.ID = d.required(m, "id", path, n)
	d.localID(s, m["id"], path+".id", r.ID, "role")
	r.Name = d.str(m, "name", path)
	r.Summary = d.str(m, "summary", path)
	r.Zone = ZoneAny
	if z := d.str(m, "zone", path); z != "" {
		switch Zone(z) {
		case ZoneInternal, ZoneInternet, ZoneAny:
			r.Zone = Zone(z)
		default:
			d.problems.add(d.pos(m["zone"]), path+".zone", "found %q; want internal, internet or any", z)
		}
	}
	for _, o := range s.Roles {
		if o.ID == r.ID && r.ID != "" {
			d.problems.add(r.Pos, path+".id", "duplicate role id %q (first defined on line %d)", r.ID, o.Pos.Line)
			return
		}
	}
	s.Roles = append(s.Roles, r)
}

func (d *nodeReader) address(s *Service, n *yaml.Node, path string) {
	m := d.fields(n, path, addressKeys...)
	if m == nil {
		return
	}
	a := &Address{Pos: d.pos(n)}
	a.Role = d.required(m, "role", path, n)
	a.Section = d.str(m, "section", path)
	a.Summary = d.str(m, "summary", path)
	if c := d.required(m, "cidr", path, n); c != "" {
		p, err := parsePrefix(c)
		if err != nil {
			d.problems.add(d.pos(m["cidr"]), path+".cidr", "%v", err)
		}
		a.Prefix = p
	}
	s.Addresses = append(s.Addresses, a)
}

// parsePrefix reads "10.0.0.0/8", "fd00::/8" or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, fmt.Errorf("%q is not a valid CIDR prefix; want e.g. 10.77.0.0/24 or fd77::/64", s)
		}
		if p != p.Masked() {
			return p, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix; want e.g. 10.77.0.5 or 10.77.0.0/24", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

func (d *nodeReader) requirement(s *Service, n *yaml.Node, path string) {
	m := d.fields(n, path, requirementKeys...)
	if m == nil {
		return
	}
	r := &Requirement{Service: s.ID, Pos: d.pos(n)}
	r.ID = d.required(m, "id", path, n)
	d.localID(s, m["id"], path+".id", r.ID, "requirement")
	r.Section = d.required(m, "section", path, n)
	r.Row = d.str(m, "row", path)
	r.Summary = d.required(m, "summary", path, n)
	r.From = d.required(m, "from", path, n)
	r.To = d.required(m, "to", path, n)
	hosts, hostNodes := d.strings(m, "hosts", path)
	for i, h := range hosts {
		p, err := ParseHostPattern(h)
		if err != nil {
			d.problems.add(d.pos(hostNodes[i]), fmt.Sprintf("%s.hosts[%d]", path, i), "%v", err)
			continue
		}
		r.Hosts = append(r.Hosts, p)
	}
	if proto := d.required(m, "proto", path, n); proto != "" {
		p, ok := ParseProto(proto)
		if !ok {
			d.problems.add(d.pos(m["proto"]), path+".proto", "found %q; want tcp, udp or icmp", proto)
		}
		r.Proto = p
	}
	r.Ports = d.ports(m, "ports", path)
	r.Alternatives = d.ports(m, "alternatives", path)
	for i, t := range d.seq(m, "icmp-types", path) {
		if v, ok := d.integer(t, fmt.Sprintf("%s.icmp-types[%d]", path, i), 0, 255, "an ICMP type 0-255"); ok {
			r.ICMPTypes = append(r.ICMPTypes, uint8(v))
		}
	}
	r.Dynamic = d.boolean(m, "dynamic", path)
	flags, flagNodes := d.strings(m, "flags", path)
	for i, f := range flags {
		fl, ok := parseWrittenFlag(f)
		if !ok {
			d.problems.add(d.pos(flagNodes[i]), fmt.Sprintf("%s.flags[%d]", path, i), "unknown flag %q; allowed: %s", f, strings.Join(writtenFlagNames(), ", "))
		}
		r.Flags |= fl
	}
	r.Pair = d.str(m, "pair", path)
	r.FallbackFor = d.str(m, "fallback-for", path)
	r.Condition = d.str(m, "condition", path)
	r.Note = d.str(m, "note", path)

	// What the fields say together.
	switch {
	case r.Proto == ProtoICMP && (len(r.Ports) > 0 || r.Dynamic):
		d.problems.add(r.Pos, path+".ports", "ICMP has no ports; use icmp-types")
	case r.Proto != ProtoICMP && r.Proto != 0 && len(r.ICMPTypes) > 0:
		d.problems.add(d.pos(m["icmp-types"]), path+".icmp-types", "only an icmp requirement has ICMP types; this one is %s", r.Proto)
	case r.Proto != ProtoICMP && r.Proto != 0 && len(r.Ports) == 0 && !r.Dynamic:
		d.problems.add(r.Pos, path+".ports", "missing; a %s requirement lists its ports, or says dynamic: true", r.Proto)
	}
	if r.Flags.Has(FlagDoubtful) && r.Note == "" {
		d.problems.add(r.Pos, path+".note", "missing; a doubtful requirement explains in its note why")
	}
	if len(r.Alternatives) > 0 && len(r.Ports) == 0 {
		d.problems.add(d.pos(m["alternatives"]), path+".alternatives", "alternatives replace the ports; list the ports first")
	}
	if r.Pair != "" && len(r.Alternatives) == 0 {
		d.problems.add(d.pos(m["pair"]), path+".pair", "a pair links the choice among alternatives; this requirement has none")
	}
	for _, o := range s.Requirements {
		if o.ID == r.ID && r.ID != "" {
			d.problems.add(r.Pos, path+".id", "duplicate requirement id %q (first defined on line %d)", r.ID, o.Pos.Line)
			return
		}
	}
	s.Requirements = append(s.Requirements, r)
}

// crossCheck resolves the references a file makes to its own requirements,
// and its roles against its own list (other services' roles are checked
// by Build).
func (d *nodeReader) crossCheck(s *Service) {
	byID := map[string]*Requirement{}
	for _, r := range s.Requirements {
		byID[r.ID] = r
	}
	for _, r := range s.Requirements {
		if r.Pair != "" {
			p := byID[r.Pair]
			switch {
			case p == nil:
				d.problems.add(r.Pos, r.ID+".pair", "unknown requirement %q; want the id of a requirement in this file", r.Pair)
			case len(p.Alternatives) != len(r.Alternatives):
				d.problems.add(r.Pos, r.ID+".pair", "%q has %d alternatives and this one %d; paired choices must line up", r.Pair, len(p.Alternatives), len(r.Alternatives))
			}
		}
		if r.FallbackFor != "" && byID[r.FallbackFor] == nil {
			d.problems.add(r.Pos, r.ID+".fallback-for", "unknown requirement %q; want the id of a requirement in this file", r.FallbackFor)
		}
	}
}

// roleKnown reports whether a role id is declared or global.
func roleKnown(id string, roles map[string]*Role) bool {
	return id == RoleInternal || id == RoleInternet || roles[id] != nil
}

// knownRoleList is for messages: a few role ids that exist.
func knownRoleList(service string, roles map[string]*Role) string {
	ids := []string{RoleInternal, RoleInternet}
	for id := range roles {
		if strings.HasPrefix(id, service+"/") {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids[2:])
	if len(ids) > 8 {
		ids = append(ids[:8], "...")
	}
	return strings.Join(ids, ", ")
}
