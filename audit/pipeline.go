package audit

import (
	"iter"
	"runtime"
	"runtime/debug"
	"sync"

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
	// Workers is the number of goroutines (CPUs) that classify. 1: the
	// caller's goroutine decodes and classifies every packet. N > 1: the
	// caller's goroutine (the reader's) decodes and dispatches, N-1 engines
	// classify, each in its own goroutine, flows sharded by a symmetric
	// hash. 0 picks one per CPU. Measured on two CPUs (docs/speed-log.md): two
	// workers, a reader and an engine, are 1.47x as fast as one.
	Workers int
	// NoCopies: no packet can be a copy of another captured on a different
	// interface (classify.NoCopies of the source).
	NoCopies bool
	// Ended, when set, is called by Finish once the engines have let go of
	// their flows and what they learned, before the report is built, with
	// the most flows tracked at once (classify.Stats.PeakFlows): it
	// decides what becomes of the memory they freed. Unset, that memory
	// is returned to the system.
	Ended func(peakFlows int)
	// Ending, when set, is called by Finish before the engines end the
	// flows they still track, with the most flows tracked at once so far:
	// ending them grows the report's groups while the flow tables are
	// still held, the peak of an audit's memory.
	Ending func(peakFlows int)
	// OnFlow, when set, is told of every finished flow and its verdict
	// (live mode streams findings from it). It runs in a worker goroutine:
	// it must be safe for concurrent use and must not keep f or r.Matches.
	OnFlow func(f *classify.Flow, r classify.Result)
	// Adjust, when set, may correct a finished flow before it is
	// classified: a live engine that sees only some packets of a flow in
	// user space replaces the packet and byte counts with the kernel's.
	// Same concurrency rules as OnFlow.
	Adjust func(f *classify.Flow)
}

// Pipeline classifies packets from any source (capture files, live
// engines) into flows, verdicts and a report. Packet is called from one
// goroutine. With several workers the report is the same as with one:
// flows are sharded by host pair, every engine learns every DNS answer,
// and findings are merged and sorted.
type Pipeline struct {
	cfg     PipelineConfig
	m       *classify.Matcher
	eng     *classify.Engine  // one worker
	sharded *classify.Sharded // several
	cols    []*lockedCollector
	matches [][]int // per worker: the last result's Matches, reused
}

// lockedCollector lets a report be built while workers add flows (live
// mode's periodic reports).
type lockedCollector struct {
	sync.Mutex
	*report.Collector
}

// NewPipeline compiles the catalog and site and starts the engines.
func NewPipeline(cfg PipelineConfig) *Pipeline {
	if cfg.MaxFlows == 0 {
		cfg.MaxFlows = DefaultMaxFlows
	}
	cfg.Workers = workers(cfg.Workers)
	engines := max(1, cfg.Workers-1)
	p := &Pipeline{cfg: cfg, m: classify.Compile(cfg.Catalog, cfg.Site)}
	for range engines {
		p.cols = append(p.cols, &lockedCollector{Collector: report.NewCollector(p.m)})
	}
	p.matches = make([][]int, engines)
	ecfg := classify.Config{Timeouts: cfg.Timeouts, MaxFlows: cfg.MaxFlows, ServerPorts: p.m.ServerPorts(), NoCopies: cfg.NoCopies}
	if cfg.Workers == 1 {
		ecfg.Sink = func(f *classify.Flow) { p.finished(0, f, p.eng) }
		p.eng = classify.New(ecfg)
		p.eng.SetWatchPorts(p.m.WatchPorts())
		return p
	}
	p.sharded = classify.NewSharded(engines, ecfg, p.m.WatchPorts(), func(w int, f *classify.Flow) {
		p.finished(w, f, p.sharded.Engine(w))
	}, func(w int, flows iter.Seq[*classify.Flow]) {
		p.drained(w, flows, p.sharded.Engine(w))
	})
	return p
}

// workers resolves PipelineConfig.Workers: 0 is one per CPU.
func workers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// finished classifies a flow that ended and records it.
func (p *Pipeline) finished(worker int, f *classify.Flow, parents classify.Parents) {
	if p.cfg.Adjust != nil {
		p.cfg.Adjust(f)
	}
	// The collector does not keep r.Matches: the next flow of this worker
	// reuses the slice.
	r := p.m.ClassifyInto(f, parents, p.matches[worker])
	p.matches[worker] = r.Matches
	p.record(worker, f, r)
}

// record adds a classified flow to worker's collector and tells OnFlow.
func (p *Pipeline) record(worker int, f *classify.Flow, r classify.Result) {
	c := p.cols[worker]
	c.Lock()
	c.Add(f, r)
	c.Unlock()
	if p.cfg.OnFlow != nil {
		p.cfg.OnFlow(f, r)
	}
}

// drainChunk is how many flows drained classifies before handing them on,
// and drainChunks how many chunks it has: memory stays small however many
// flows a table holds at the end (a million, say, in a scan).
const (
	drainChunk  = 1024
	drainChunks = 4
)

// drainBatch is a chunk of flows and their results.
type drainBatch struct {
	flows   []*classify.Flow
	results []classify.Result
	matches []int // holds the results' Matches (one that outgrows it gets its own)
}

// drained classifies and records the flows an engine still tracked at the
// end of the input, as finished would one by one and in the same order: a
// helper goroutine classifies them, a chunk at a time, while this one (the
// engine's) records them. The reader's CPU is idle by then, and
// classifying is about half of ending a flow (measured on the
// 5-million-packet gateway mix, 116,000 flows left at the end: classifying
// them takes ~0.1 s, recording them as long; the run is 0.065 s shorter,
// median of 12 paired runs; no different, within the noise, since the
// chunks are recycled).
func (p *Pipeline) drained(worker int, flows iter.Seq[*classify.Flow], parents classify.Parents) {
	free, ready := make(chan *drainBatch, drainChunks), make(chan *drainBatch, drainChunks)
	for range drainChunks {
		free <- &drainBatch{flows: make([]*classify.Flow, 0, drainChunk),
			results: make([]classify.Result, 0, drainChunk), matches: make([]int, 0, 4*drainChunk)}
	}
	go func() {
		defer close(ready)
		b := <-free
		for f := range flows {
			if p.cfg.Adjust != nil {
				p.cfg.Adjust(f)
			}
			room := b.matches[len(b.matches):len(b.matches):cap(b.matches)]
			r := p.m.ClassifyInto(f, parents, room)
			if len(r.Matches) <= cap(room) {
				b.matches = b.matches[:len(b.matches)+len(r.Matches)]
			}
			b.flows, b.results = append(b.flows, f), append(b.results, r)
			if len(b.flows) == drainChunk {
				ready <- b
				b = <-free
			}
		}
		if len(b.flows) > 0 {
			ready <- b
		}
	}()
	for b := range ready {
		for i, f := range b.flows {
			p.record(worker, f, b.results[i])
		}
		b.flows, b.results, b.matches = b.flows[:0], b.results[:0], b.matches[:0]
		free <- b
	}
}

// Matcher is the compiled catalog.
func (p *Pipeline) Matcher() *classify.Matcher { return p.m }

// Workers is the number of goroutines classifying (PipelineConfig.Workers).
func (p *Pipeline) Workers() int { return p.cfg.Workers }

// Packet classifies one packet. p.Data is not kept after the call.
func (p *Pipeline) Packet(cp *capture.Packet) {
	if p.eng != nil {
		p.eng.Packet(cp)
		return
	}
	p.sharded.Packet(cp)
}

// Flush hands packets waiting in batches to the workers (a live source
// calls it when the link is quiet).
func (p *Pipeline) Flush() {
	if p.sharded != nil {
		p.sharded.Flush()
	}
}

// ActiveFlows is the number of flows tracked now.
func (p *Pipeline) ActiveFlows() int {
	if p.eng != nil {
		return p.eng.ActiveFlows()
	}
	return p.sharded.ActiveFlows()
}

// Finish ends every flow; call it once, after the last packet.
func (p *Pipeline) Finish() {
	if p.cfg.Ending != nil {
		p.cfg.Ending(int(p.Stats().PeakFlows))
	}
	if p.eng != nil {
		p.eng.Finish()
	} else {
		p.sharded.Finish()
	}
	if p.cfg.Ended != nil {
		p.cfg.Ended(int(p.Stats().PeakFlows))
		return
	}
	// The engines have let go of their flow tables and what they learned:
	// return that memory to the system before the report is built. The
	// report needs large contiguous pieces (a slice of all groups) that
	// the freed slabs cannot provide, so collecting without releasing
	// added the report on top of the peak. Measured on the
	// 5-million-packet gateway mix: peak RSS 133 -> 113 MiB, for about
	// 0.1 s (the release, and faulting the report's memory back in).
	debug.FreeOSMemory()
}

// Stats are the engines' counters (complete after Finish).
func (p *Pipeline) Stats() classify.Stats {
	if p.eng != nil {
		return p.eng.Stats()
	}
	return p.sharded.Stats()
}

// Report builds the report from the flows finished so far.
func (p *Pipeline) Report(info report.Capture) *report.Report { return p.report(info, false) }

// report is Report, its flow groups spelled out only when written or
// asked for when deferred (report.Collector.BuildDeferred).
func (p *Pipeline) report(info report.Capture, deferred bool) *report.Report {
	st := p.Stats()
	info.Malformed += st.Malformed
	info.Skipped += st.NotIP + st.UnknownLink
	info.Truncated += st.Truncated
	info.Duplicates += st.Duplicates
	info.Evicted += st.Evicted
	if st.First != 0 {
		info.First, info.Last = timeOf(st.First), timeOf(st.Last)
	}
	all := report.NewCollector(p.m)
	for _, c := range p.cols {
		c.Lock()
		all.Merge(c.Collector)
		c.Unlock()
	}
	build := all.Build
	if deferred {
		build = all.BuildDeferred
	}
	r := build(info, p.cfg.Site)
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
