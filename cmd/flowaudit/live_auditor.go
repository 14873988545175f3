package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/flowaudit/flowaudit/audit"
	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/capture/live"
	"github.com/flowaudit/flowaudit/classify"
	"github.com/flowaudit/flowaudit/report"
)

// AuditorConfig sets up live auditing.
type AuditorConfig struct {
	Engine   live.Engine
	Pipeline audit.PipelineConfig // Catalog, Site, Timeouts, MaxFlows, Workers (OnFlow and Adjust are the auditor's)
	// Events receives one JSON object per line (NDJSON): each new finding
	// (blocked, unexpected, undocumented-port, exposure) once, loss as it
	// grows, and the periodic summaries. Nil: none.
	Events io.Writer
	// ReportEvery is the period of summaries (0: none); Summary receives
	// each (from the capture goroutine).
	ReportEvery time.Duration
	Summary     func(*report.Report)
}

// Auditor runs a live engine into the audit pipeline: events, periodic
// summaries, loss accounting, the final report.
type Auditor struct {
	cfg     AuditorConfig
	pl      *audit.Pipeline
	started time.Time

	evMu   sync.Mutex
	enc    *json.Encoder
	seen   map[findingKey]bool
	evErr  error
	lossMu sync.Mutex
	// connections whose verdict may be wrong: count and the first ones
	suspect      uint64
	suspectFlows []string
	lossyFlows   sync.Map // *classify.Flow -> why, from Adjust to OnFlow

	nextReport time.Time
	lastLoss   live.Stats
	packets    uint64
}

// maxSuspectListed bounds the suspect connections listed in a report.
const maxSuspectListed = 20

type findingKey struct {
	src, dst    string
	proto       uint8
	port        uint16
	verdict     classify.Verdict
	requirement string
}

// NewAuditor builds the pipeline; Run starts capturing.
func NewAuditor(cfg AuditorConfig) *Auditor {
	a := &Auditor{cfg: cfg, seen: map[findingKey]bool{}}
	if cfg.Events != nil {
		a.enc = json.NewEncoder(cfg.Events)
	}
	pc := cfg.Pipeline
	pc.Adjust = a.adjust
	pc.OnFlow = a.onFlow
	a.pl = audit.NewPipeline(pc)
	return a
}

// Pipeline returns the audit pipeline (for its matcher).
func (a *Auditor) Pipeline() *audit.Pipeline { return a.pl }

// Run captures until ctx is done, then ends every flow (the kernel's
// counters still readable) and returns. Report then gives the full report.
func (a *Auditor) Run(ctx context.Context) error {
	a.started = time.Now()
	a.nextReport = a.started.Add(a.cfg.ReportEvery)
	a.event(map[string]any{"event": "start", "time": a.started.UTC(), "engine": a.cfg.Engine.Stats().Engine, "mode": a.cfg.Engine.Stats().Mode, "interfaces": a.cfg.Engine.Stats().Ifaces})
	err := a.cfg.Engine.Run(ctx, (*handler)(a))
	a.pl.Finish()
	a.checkLoss()
	a.event(map[string]any{"event": "stop", "time": time.Now().UTC(), "summary": a.summary(a.Report())})
	return err
}

// handler is the Auditor as the engine's Handler.
type handler Auditor

func (h *handler) Packet(p *capture.Packet) {
	h.packets++
	h.pl.Packet(p)
}

func (h *handler) Tick(now time.Time) {
	a := (*Auditor)(h)
	a.pl.Flush()
	a.checkLoss()
	if a.cfg.ReportEvery > 0 && !now.Before(a.nextReport) {
		a.nextReport = now.Add(a.cfg.ReportEvery)
		r := a.Report()
		a.event(map[string]any{"event": "summary", "time": now.UTC(), "summary": a.summary(r)})
		if a.cfg.Summary != nil {
			a.cfg.Summary(r)
		}
	}
}

// checkLoss sends a loss event when the engine lost more.
func (a *Auditor) checkLoss() {
	st := a.cfg.Engine.Stats()
	if st.Dropped > a.lastLoss.Dropped || st.FlowMapLost > a.lastLoss.FlowMapLost || len(st.Errors) > len(a.lastLoss.Errors) {
		a.event(map[string]any{"event": "loss", "time": time.Now().UTC(), "dropped": st.Dropped, "flow_map_lost": st.FlowMapLost,
			"packets": st.Packets, "delivered": st.Delivered, "errors": st.Errors})
		a.lastLoss = st
	}
}

// Report builds the report of the flows finished so far (all of them
// after Run returned), with the engine's loss counters.
func (a *Auditor) Report() *report.Report {
	st := a.cfg.Engine.Stats()
	files := make([]string, 0, len(st.Ifaces))
	for _, i := range st.Ifaces {
		files = append(files, "live:"+i)
	}
	a.lossMu.Lock()
	loss := &report.Loss{Engine: st.Engine, Mode: st.Mode, Interfaces: st.Ifaces, Packets: st.Packets, Delivered: st.Delivered,
		Dropped: st.Dropped, FlowMapLost: st.FlowMapLost, Errors: st.Errors, Suspect: a.suspect, SuspectFlows: append([]string(nil), a.suspectFlows...)}
	a.lossMu.Unlock()
	return a.pl.Report(report.Capture{Files: files, Packets: st.Packets, Bytes: st.Bytes, Loss: loss})
}

// adjust hands a finished flow's counters to the engine, which may
// replace them with the kernel's and say whether the flow lost data.
func (a *Auditor) adjust(f *classify.Flow) {
	src, sport := f.Orig()
	dst, dport := f.Resp()
	c := live.Counts{Proto: f.Proto, Orig: netip.AddrPortFrom(src, sport), Resp: netip.AddrPortFrom(dst, dport), First: f.First, Last: f.Last,
		OrigPkts: f.OrigPkts, RespPkts: f.RespPkts, OrigBytes: f.OrigBytes, RespBytes: f.RespBytes}
	lossy, why := a.cfg.Engine.Adjust(&c)
	f.OrigPkts, f.RespPkts, f.OrigBytes, f.RespBytes = c.OrigPkts, c.RespPkts, c.OrigBytes, c.RespBytes
	if lossy {
		a.lossyFlows.Store(f, why)
	}
}

func (a *Auditor) onFlow(f *classify.Flow, r classify.Result) {
	why, lossy := a.lossyFlows.LoadAndDelete(f)
	src, sport := f.Orig()
	dst, dport := f.Resp()
	if lossy {
		a.lossMu.Lock()
		a.suspect++
		if len(a.suspectFlows) < maxSuspectListed {
			a.suspectFlows = append(a.suspectFlows, fmt.Sprintf("%s %s:%d -> %s:%d %s %s: %s", report.ProtoName(f.Proto), src, sport, dst, dport, f.State(), r.Verdict, why))
		}
		a.lossMu.Unlock()
	}
	switch r.Verdict {
	case classify.VerdictBlocked, classify.VerdictUnexpected, classify.VerdictUndocumentedPort, classify.VerdictExposure:
	default:
		return
	}
	if a.enc == nil {
		return
	}
	names := f.Names()
	k := findingKey{src: src.String(), dst: dst.String(), proto: f.Proto, port: dport, verdict: r.Verdict}
	if roles := a.pl.Matcher().RoleNames(r.SrcRoles); len(roles) > 0 {
		k.src = roles[0]
	}
	if len(names) > 0 {
		k.dst = names[0].Name
	}
	ev := map[string]any{"event": "finding", "time": time.Unix(0, f.First).UTC(), "verdict": r.Verdict.String(),
		"src": src.String(), "src_port": sport, "dst": dst.String(), "dst_port": dport, "proto": report.ProtoName(f.Proto),
		"conn_state": f.State().String(), "history": f.History(), "names": names,
		"orig_packets": f.OrigPkts, "resp_packets": f.RespPkts}
	if r.Requirement != nil {
		k.requirement = r.Requirement.ID
		ev["requirement"], ev["service"] = r.Requirement.ID, r.Requirement.Service
	}
	if r.Reason != "" {
		ev["reason"] = r.Reason
	}
	if s := f.ICMPErrorText(); s != "" {
		ev["icmp_error"] = s
	}
	if lossy {
		ev["suspect"], ev["suspect_reason"] = true, why
	}
	a.evMu.Lock()
	defer a.evMu.Unlock()
	if a.seen[k] {
		return
	}
	a.seen[k] = true
	a.writeEvent(ev)
}

func (a *Auditor) event(ev map[string]any) {
	if a.enc == nil {
		return
	}
	a.evMu.Lock()
	defer a.evMu.Unlock()
	a.writeEvent(ev)
}

func (a *Auditor) writeEvent(ev map[string]any) {
	if err := a.enc.Encode(ev); err != nil && a.evErr == nil {
		a.evErr = err
	}
}

// EventsError reports the first error writing events, if any.
func (a *Auditor) EventsError() error {
	a.evMu.Lock()
	defer a.evMu.Unlock()
	return a.evErr
}

// summary is the short form of a report in summary and stop events.
func (a *Auditor) summary(r *report.Report) map[string]any {
	return map[string]any{"connections": r.Summary.Connections, "verdicts": r.Summary.Verdicts, "documented_blocked": r.Summary.DocumentedBlocked,
		"findings": r.Summary.Findings, "active_flows": a.pl.ActiveFlows(), "packets": r.Capture.Packets, "loss": r.Capture.Loss}
}
