package catalog

// ExportRequirement is the exported form of an effective requirement. The
// first fields are the stable contract; more may be added.
type ExportRequirement struct {
	ID           string   `json:"id" yaml:"id"`
	Service      string   `json:"service" yaml:"service"`
	Section      string   `json:"section" yaml:"section"`
	From         string   `json:"from" yaml:"from"`
	To           string   `json:"to" yaml:"to"`
	Hosts        []string `json:"hosts" yaml:"hosts"`
	Proto        string   `json:"proto" yaml:"proto"`
	Ports        []any    `json:"ports" yaml:"ports,flow"`
	Dynamic      bool     `json:"dynamic" yaml:"dynamic"`
	Flags        []string `json:"flags" yaml:"flags,flow"`
	Row          string   `json:"row,omitempty" yaml:"row,omitempty"`
	Summary      string   `json:"summary" yaml:"summary"`
	ICMPTypes    []int    `json:"icmp_types,omitempty" yaml:"icmp-types,omitempty,flow"`
	Alternatives []any    `json:"alternatives,omitempty" yaml:"alternatives,omitempty,flow"`
	Pair         string   `json:"pair,omitempty" yaml:"pair,omitempty"`
	FallbackFor  string   `json:"fallback_for,omitempty" yaml:"fallback-for,omitempty"`
	Condition    string   `json:"condition,omitempty" yaml:"condition,omitempty"`
	Note         string   `json:"note,omitempty" yaml:"note,omitempty"`
	Overridden   bool     `json:"overridden,omitempty" yaml:"overridden,omitempty"`
	Document     string   `json:"document" yaml:"document"`
}

// Export is the document `flowaudit catalog export` writes.
type Export struct {
	Requirements []ExportRequirement `json:"requirements" yaml:"requirements"`
}

// ExportEffective converts effective requirements to their exported form.
func (c *Catalog) ExportEffective(effective []*Effective) Export {
	out := Export{Requirements: make([]ExportRequirement, 0, len(effective))}
	for _, e := range effective {
		x := ExportRequirement{
			ID: e.ID, Service: e.Service, Section: e.Section, From: e.From, To: e.To,
			Hosts: make([]string, 0, len(e.Hosts)), Proto: e.Proto.String(), Ports: e.Ports.JSON(),
			Dynamic: e.Dynamic, Flags: e.AllFlags().Names(), Row: e.Row, Summary: e.Summary,
			Pair: e.Pair, FallbackFor: e.FallbackFor, Condition: e.Condition, Note: e.Note,
			Overridden: e.Overridden,
		}
		for _, h := range e.Hosts {
			x.Hosts = append(x.Hosts, h.String())
		}
		for _, t := range e.ICMPTypes {
			x.ICMPTypes = append(x.ICMPTypes, int(t))
		}
		if len(e.Alternatives) > 0 {
			x.Alternatives = e.Alternatives.JSON()
		}
		if s := c.Service(e.Service); s != nil {
			x.Document = s.Source.File
		}
		out.Requirements = append(out.Requirements, x)
	}
	return out
}
