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
	Workers  int       // goroutines classifying (PipelineConfig.Workers; 0: one per CPU)
	Progress io.Writer // progress bar (shown only on a terminal); nil for none
	// Problem is told of each damaged part of an input as it is found.
	Problem func(*capture.Problem)
	// Ending and Ended: PipelineConfig.Ending and Ended.
	Ending, Ended func(peakFlows int)
	// DeferFlows: the report's flow groups are spelled out only as it is
	// written or asked for (report.Collector.BuildDeferred), for a report
	// that is only written.
	DeferFlows bool
}

// DefaultMaxFlows bounds the flow table: a few hundred bytes per flow.
const DefaultMaxFlows = 2_000_000

// ErrNothingRead says no input could be read at all.
var ErrNothingRead = errors.New("no packets could be read")

// noCopies is classify.NoCopies; a test replaces it to look for duplicates
// in captures that cannot hold any, and compare.
var noCopies = classify.NoCopies

// Run audits the captures. It fails only when no input could be read;
// damage in inputs is reported in the report (and to Options.Problem).
func Run(o Options) (*report.Report, error) {
	n := workers(o.Workers)
	var copts capture.Options
	if n > 1 {
		// Packets go to the workers without a copy: each batch holds the
		// read buffers its packets point into.
		copts.Holds = capture.NewHolds(256<<10, 64)
	}
	src, err := capture.OpenAll(o.Files, copts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	pl := NewPipeline(PipelineConfig{Catalog: o.Catalog, Site: o.Site, Timeouts: o.Timeouts, MaxFlows: o.MaxFlows, Workers: n,
		NoCopies: noCopies(src), Ending: o.Ending, Ended: o.Ended})

	var bar *capture.Bar
	if o.Progress != nil {
		bar = capture.NewBar(o.Progress, src, pl.ActiveFlows)
	}
	var problems []string
	ended := 0
	var p capture.Packet
	for {
		err := src.Next(&p)
		if err == nil {
			pl.Packet(&p)
			if bar != nil {
				bar.Tick()
			}
			continue
		}
		if err == io.EOF {
			break
		}
		// Out of the common path: &prob escapes, a heap allocation.
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
		return nil, fmt.Errorf("read: %w", err)
	}
	if bar != nil {
		bar.Finish()
	}
	pl.Finish()
	cs := src.Stats()
	if cs.Packets == 0 && ended >= len(o.Files) {
		return nil, fmt.Errorf("%w: %v", ErrNothingRead, problems)
	}
	return pl.report(report.Capture{
		Files: o.Files, Packets: cs.Packets, Bytes: cs.Bytes, Malformed: cs.Skipped, Problems: problems,
	}, o.DeferFlows), nil
}
