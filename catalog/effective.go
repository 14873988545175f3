package catalog

import "slices"

// Effective is a requirement as it applies at a site: its ports after the
// site's overrides and choices among alternatives, its hosts after the
// site's placeholder values.
type Effective struct {
	*Requirement
	Ports      PortSet       // the ports a flow may use
	Hosts      []HostPattern // host patterns with the site's placeholders bound
	Overridden bool          // the site set the ports
}

// Effective lists the requirements of the services the site applies, in
// catalog order.
func (c *Catalog) Effective(site *Site) []*Effective {
	if site == nil {
		site = DefaultSite()
	}
	var out []*Effective
	for _, s := range c.Services {
		if len(site.Services) > 0 && !slices.Contains(site.Services, s.ID) {
			continue
		}
		for _, r := range s.Requirements {
			e := &Effective{Requirement: r, Ports: c.sitePorts(r, site)}
			_, e.Overridden = site.Ports[r.ID]
			for _, h := range r.Hosts {
				e.Hosts = append(e.Hosts, h.Bind(site.Placeholders)...)
			}
			out = append(out, e)
		}
	}
	return out
}

// sitePorts resolves a requirement's ports at a site. An override wins.
// Without one, a choice made for the paired requirement carries over
// (WSUS HTTP 8530 means HTTPS 8531); with no choice at all, the document's
// ports and its alternatives are all acceptable.
func (c *Catalog) sitePorts(r *Requirement, site *Site) PortSet {
	if ports, ok := site.Ports[r.ID]; ok {
		return ports
	}
	if len(r.Alternatives) == 0 {
		return r.Ports
	}
	if p := c.Requirement(r.Pair); p != nil {
		if chosen, ok := site.Ports[p.ID]; ok {
			if slices.Equal(chosen, p.Ports) {
				return r.Ports
			}
			for i, alt := range p.Alternatives {
				if len(chosen) == 1 && chosen[0] == alt && i < len(r.Alternatives) {
					return PortSet{r.Alternatives[i]}
				}
			}
		}
	}
	return r.Ports.Union(r.Alternatives)
}
