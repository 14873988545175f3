package catalog

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultInternal are the internal networks when a site file gives none:
// RFC 1918, the shared address space (RFC 6598) and unique local IPv6.
var DefaultInternal = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
}

// Site binds catalogs to a network: which addresses are internal, which
// addresses play which role, which services apply, and the site's choices
// for configurable ports and placeholders.
type Site struct {
	File         string
	Internal     []netip.Prefix
	Services     []string // empty: all loaded services apply
	Roles        map[string][]netip.Prefix
	Ports        map[string]PortSet
	Placeholders map[string][]string // "<region>" -> values

	pos map[string]Pos // where each role, port override and placeholder was written
}

// DefaultSite is what applies without a site file.
func DefaultSite() *Site {
	return &Site{Internal: slices.Clone(DefaultInternal), Roles: map[string][]netip.Prefix{}, Ports: map[string]PortSet{}, Placeholders: map[string][]string{}, pos: map[string]Pos{}}
}

// LoadSite reads a site file; CheckSite checks it against a catalog.
func LoadSite(file string) (*Site, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, Problems{{Pos: Pos{File: file}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}}
	}
	return ParseSite(file, data)
}

// ParseSite reads a site file's syntax and values.
func ParseSite(file string, data []byte) (*Site, error) {
	d := &nodeReader{file: file}
	site := DefaultSite()
	site.File = file
	root := d.parseYAML(data)
	if root == nil {
		return nil, d.problems.err()
	}
	top := d.fields(root, "", siteKeys...)
	if top == nil {
		return nil, d.problems.err()
	}
	if top["internal"] != nil {
		site.Internal = nil
		prefixes, nodes := d.strings(top, "internal", "")
		for i, s := range prefixes {
			p, err := parsePrefix(s)
			if err != nil {
				d.problems.add(d.pos(nodes[i]), fmt.Sprintf("internal[%d]", i), "%v", err)
				continue
			}
			site.Internal = append(site.Internal, p)
		}
	}
	site.Services, _ = d.strings(top, "services", "")
	for key, val := range d.mapEntries(top, "roles") {
		field := "roles." + key.Value
		site.pos[field] = d.pos(key)
		addrs, nodes := d.strings(map[string]*yaml.Node{"": val}, "", field)
		var prefixes []netip.Prefix
		for i, s := range addrs {
			p, err := parsePrefix(s)
			if err != nil {
				d.problems.add(d.pos(nodes[i]), fmt.Sprintf("%s[%d]", field, i), "%v", err)
				continue
			}
			prefixes = append(prefixes, p)
		}
		site.Roles[key.Value] = prefixes
	}
	for key, val := range d.mapEntries(top, "ports") {
		field := "ports." + key.Value
		site.pos[field] = d.pos(key)
		set := d.ports(map[string]*yaml.Node{"": val}, "", field)
		if len(set) == 0 && val.Kind == yaml.SequenceNode && len(val.Content) == 0 {
			d.problems.add(d.pos(val), field, "empty; list the ports the site uses")
		}
		site.Ports[key.Value] = set
	}
	for key, val := range d.mapEntries(top, "placeholders") {
		name := key.Value
		if !strings.HasPrefix(name, "<") {
			name = "<" + name + ">"
		}
		field := "placeholders." + key.Value
		site.pos["placeholders."+name] = d.pos(key)
		vals, nodes := d.strings(map[string]*yaml.Node{"": val}, "", field)
		for i, v := range vals {
			if _, err := parseLabel(strings.ToLower(v)); err != nil || strings.ContainsAny(v, "<>.") {
				d.problems.add(d.pos(nodes[i]), fmt.Sprintf("%s[%d]", field, i), "%q is not a valid part of a host name; want letters, digits and dashes", v)
			}
		}
		site.Placeholders[name] = vals
	}
	if len(d.problems) == 0 {
		if err := strictCheck(data, &fileSite{}); err != nil {
			d.problems.add(Pos{File: file, Line: yamlErrLine(err)}, "", "%s", yamlErrText(err))
		}
	}
	return site, d.problems.err()
}

// mapEntries yields key and value nodes of a mapping field.
func (d *nodeReader) mapEntries(top map[string]*yaml.Node, key string) map[*yaml.Node]*yaml.Node {
	n := top[key]
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.problems.add(d.pos(n), key, "found %s, want a mapping", describe(n))
		return nil
	}
	out := map[*yaml.Node]*yaml.Node{}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if line, dup := seen[k.Value]; dup {
			d.problems.add(d.pos(k), key+"."+k.Value, "given twice (first on line %d)", line)
			continue
		}
		seen[k.Value] = k.Line
		out[k] = n.Content[i+1]
	}
	return out
}

// CheckSite checks a site against a catalog: services, roles, requirement
// ids and placeholders must exist, and port overrides must be allowed.
func (c *Catalog) CheckSite(site *Site) error {
	var problems Problems
	at := func(field string) Pos {
		if p, ok := site.pos[field]; ok {
			return p
		}
		return Pos{File: site.File}
	}
	for _, id := range site.Services {
		if c.Service(id) == nil {
			problems.add(Pos{File: site.File}, "services", "unknown service %q; loaded services: %s", id, strings.Join(c.serviceIDs(), ", "))
		}
	}
	for _, role := range sortedKeys(site.Roles) {
		if role == RoleInternal || role == RoleInternet {
			problems.add(at("roles."+role), "roles."+role, "%q is given by the internal networks; set `internal:` instead", role)
		} else if c.Roles[role] == nil {
			problems.add(at("roles."+role), "roles."+role, "unknown role; known roles: %s", knownRoleList(strings.SplitN(role, "/", 2)[0], c.Roles))
		}
	}
	for _, id := range sortedKeys(site.Ports) {
		field := "ports." + id
		r := c.Requirement(id)
		if r == nil {
			problems.add(at(field), field, "unknown requirement; see `flowaudit catalog show SERVICE` for ids")
			continue
		}
		if r.Flags.Has(FlagConfigurable) {
			continue
		}
		allowed := r.Ports.Union(r.Alternatives)
		for _, p := range site.Ports[id] {
			if !slices.Contains(allowed, p) {
				problems.add(at(field), field, "the document fixes this requirement's ports to %s; it is not configurable", allowed)
				break
			}
		}
	}
	used := map[string]bool{}
	for _, r := range c.Requirements {
		for _, h := range r.Hosts {
			for _, p := range h.Placeholders() {
				used[p] = true
			}
		}
	}
	for _, name := range sortedKeys(site.Placeholders) {
		if !used[name] {
			problems.add(at("placeholders."+name), "placeholders."+name, "no host pattern of the loaded catalogs uses this placeholder")
		}
	}
	return problems.err()
}

func (c *Catalog) serviceIDs() []string {
	ids := make([]string, len(c.Services))
	for i, s := range c.Services {
		ids[i] = s.ID
	}
	return ids
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
