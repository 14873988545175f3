// Package audit runs flowaudit's main job offline: read captures, classify
// every flow against the catalog, and build the report.
package audit

import (
	"errors"
	"fmt"
	"io"

	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/catalog"
	"github.com/flowaudit/flowaudit/classify"
	"github.com/flowaudit/flowaudit/report"
)

// Options say what to audit and how.
type Options struct {
	Files    []string // capture files; "-" is standard input
	Catalog  *catalog.Catalog
	Site     *catalog.Site
	Timeouts classify.Timeouts
	MaxFlows int       // flows tracked at once (0: DefaultMaxFlows)
	Progress io.Writer // progress bar (shown only on a terminal); nil for none
	// Problem is told of each damaged part of an input as it is found.
	Problem func(*capture.Problem)
}

// DefaultMaxFlows bounds the flow table: about 1 KiB per flow at most.
const DefaultMaxFlows = 2_000_000

// ErrNothingRead says no input could be read at all.
var ErrNothingRead = errors.New("no packets could be read")

// Run audits the captures. It fails only when no input could be read;
// damage in inputs is reported in the report (and to Options.Problem).
func Run(o Options) (*report.Report, error) {
	src, err := capture.OpenAll(o.Files, capture.Options{})
	if err != nil {
		return nil, err
	}
	defer src.Close()

	m := classify.Compile(o.Catalog, o.Site)
	col := report.NewCollector(m)
	var eng *classify.Engine
	maxFlows := o.MaxFlows
	if maxFlows == 0 {
		maxFlows = DefaultMaxFlows
	}
	eng = classify.New(classify.Config{Timeouts: o.Timeouts, MaxFlows: maxFlows, ServerPorts: m.ServerPorts(), Sink: func(f *classify.Flow) {
		col.Add(f, m.Classify(f, eng))
	}})
	eng.SetWatchPorts(m.WatchPorts())

	var bar *capture.Bar
	if o.Progress != nil {
		bar = capture.NewBar(o.Progress, src, eng.ActiveFlows)
	}
	var problems []string
	ended := 0
	var p capture.Packet
	for {
		err := src.Next(&p)
		if err == io.EOF {
			break
		}
		var prob *capture.Problem
		if errors.As(err, &prob) {
			problems = append(problems, prob.Error())
			if prob.Ended {
				ended++
			}
			if o.Problem != nil {
				o.Problem(prob)
			}
			if prob.Fatal {
				break
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		eng.Packet(&p)
		if bar != nil {
			bar.Tick()
		}
	}
	if bar != nil {
		bar.Finish()
	}
	eng.Finish()
	cs, es := src.Stats(), eng.Stats()
	if cs.Packets == 0 && ended >= len(o.Files) {
		return nil, fmt.Errorf("%w: %v", ErrNothingRead, problems)
	}
	info := report.Capture{
		Files: o.Files, Packets: cs.Packets, Bytes: cs.Bytes,
		Malformed: es.Malformed + cs.Skipped, Skipped: es.NotIP + es.UnknownLink, Truncated: es.Truncated,
		Duplicates: es.Duplicates, Problems: problems, Evicted: es.Evicted,
	}
	if es.First != 0 {
		info.First, info.Last = timeOf(es.First), timeOf(es.Last)
	}
	r := col.Build(info, o.Site)
	unbound := 0
	for _, s := range o.Catalog.Services {
		for _, role := range s.Roles {
			if !m.RoleBound(role.ID) {
				unbound++
			}
		}
	}
	r.Site.UnboundRoles, r.Site.AssumedRoles = unbound, unbound > 0
	if len(r.Site.Services) == 0 {
		for _, s := range o.Catalog.Services {
			r.Site.Services = append(r.Site.Services, s.ID)
		}
	}
	return r, nil
}
