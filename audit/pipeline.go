package audit

import (
	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/catalog"
	"github.com/flowaudit/flowaudit/classify"
	"github.com/flowaudit/flowaudit/report"
)

// PipelineConfig sets up a Pipeline.
type PipelineConfig struct {
	Catalog  *catalog.Catalog
	Site     *catalog.Site
	Timeouts classify.Timeouts
	MaxFlows int // flows tracked at once, all workers together (0: DefaultMaxFlows)
	Workers  int // engines classifying in parallel (0 or 1: one, in the caller's goroutine)
	// OnFlow, when set, is told of every finished flow and its verdict
	// (live mode streams findings from it). It runs in a worker goroutine:
	// it must be safe for concurrent use and must not keep f.
	OnFlow func(f *classify.Flow, r classify.Result)
	// Adjust, when set, may correct a finished flow before it is
	// classified: a live engine that sees only some packets of a flow in
	// user space replaces the packet and byte counts with the kernel's.
	// Same concurrency rules as OnFlow.
	Adjust func(f *classify.Flow)
}

// Pipeline classifies packets from any source (capture files, live
// engines) into flows, verdicts and a report. Packet is called from one
// goroutine.
type Pipeline struct {
	cfg PipelineConfig
	m   *classify.Matcher
	col *report.Collector
	eng *classify.Engine
}

// NewPipeline compiles the catalog and site and starts the engines.
func NewPipeline(cfg PipelineConfig) *Pipeline {
	if cfg.MaxFlows == 0 {
		cfg.MaxFlows = DefaultMaxFlows
	}
	p := &Pipeline{cfg: cfg, m: classify.Compile(cfg.Catalog, cfg.Site)}
	p.col = report.NewCollector(p.m)
	p.eng = classify.New(classify.Config{Timeouts: cfg.Timeouts, MaxFlows: cfg.MaxFlows, ServerPorts: p.m.ServerPorts(),
		Sink: func(f *classify.Flow) {
			if cfg.Adjust != nil {
				cfg.Adjust(f)
			}
			r := p.m.Classify(f, p.eng)
			p.col.Add(f, r)
			if cfg.OnFlow != nil {
				cfg.OnFlow(f, r)
			}
		}})
	p.eng.SetWatchPorts(p.m.WatchPorts())
	return p
}

// Matcher is the compiled catalog.
func (p *Pipeline) Matcher() *classify.Matcher { return p.m }

// Packet classifies one packet. p.Data is not kept after the call.
func (p *Pipeline) Packet(cp *capture.Packet) { p.eng.Packet(cp) }

// ActiveFlows is the number of flows tracked now.
func (p *Pipeline) ActiveFlows() int { return p.eng.ActiveFlows() }

// Finish ends every flow; call it once, after the last packet.
func (p *Pipeline) Finish() { p.eng.Finish() }

// Stats are the engines' counters.
func (p *Pipeline) Stats() classify.Stats { return p.eng.Stats() }

// Report builds the report from the flows finished so far.
func (p *Pipeline) Report(info report.Capture) *report.Report {
	st := p.Stats()
	info.Malformed += st.Malformed
	info.Skipped += st.NotIP + st.UnknownLink
	info.Truncated += st.Truncated
	info.Duplicates += st.Duplicates
	info.Evicted += st.Evicted
	if st.First != 0 {
		info.First, info.Last = timeOf(st.First), timeOf(st.Last)
	}
	r := p.col.Build(info, p.cfg.Site)
	unbound := 0
	for _, s := range p.cfg.Catalog.Services {
		for _, role := range s.Roles {
			if !p.m.RoleBound(role.ID) {
				unbound++
			}
		}
	}
	r.Site.UnboundRoles, r.Site.AssumedRoles = unbound, unbound > 0
	if len(r.Site.Services) == 0 {
		for _, s := range p.cfg.Catalog.Services {
			r.Site.Services = append(r.Site.Services, s.ID)
		}
	}
	return r
}
