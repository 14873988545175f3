package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/flowaudit/flowaudit/audit"
	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/classify"
	"github.com/flowaudit/flowaudit/report"
)

func auditCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit", stderr)
	var cf catalogFlags
	cf.register(fs)
	format := fs.String("format", "text", "report format: text, json or markdown")
	out := fs.StringP("output", "o", "", "write the report to `FILE` instead of standard output")
	failOn := fs.String("fail-on", "", "exit 1 when any finding of these verdicts exists: comma-separated from blocked, unexpected, undocumented-port, exposure, not-required")
	maxFlows := fs.Int("max-flows", audit.DefaultMaxFlows, "flows tracked at once; beyond it the least active are ended early (counted in the report). Memory is held near 100 MiB + 300 bytes per flow (GOMEMLIMIT overrides)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	memProfile := fs.String("memprofile", "", "write a heap profile to `FILE` at the end")
	noProgress := fs.Bool("no-progress", false, "no progress bar, even on a terminal")
	workers := fs.Int("workers", 0, "CPUs classifying: 1 reads and classifies in one goroutine; N > 1: one reads and decodes, N-1 engines classify flows sharded by host pair (0: one per CPU)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: flowaudit audit [flags] CAPTURE...\n\nAudit pcap/pcapng captures (gzip ok, - for stdin) against the documented requirements.\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("audit needs at least one capture file (or - for standard input)")
	}
	f := report.Format(*format)
	if f != report.FormatText && f != report.FormatJSON && f != report.FormatMarkdown {
		return usagef("--format %q: want text, json or markdown", *format)
	}
	fail := map[string]bool{}
	if *failOn != "" {
		for _, v := range strings.Split(*failOn, ",") {
			v = strings.TrimSpace(v)
			if _, ok := classify.ParseVerdict(v); !ok || v == "documented" {
				return usagef("--fail-on %q: want a comma-separated list of blocked, unexpected, undocumented-port, exposure, not-required", v)
			}
			fail[v] = true
		}
	}
	// The heap is prepared for huge pages first (setMemoryLimit), so that
	// the catalog's allocations are not 4 KiB page faults, and the
	// collector waits until the catalog is loaded: at the start its goal
	// is 4 MiB, and loading the catalog (some 5 MiB of garbage for the
	// built-in one) and reserving the heap took five collections (measured:
	// an audit starts 20-30 ms sooner).
	gcPercent := debug.SetGCPercent(-1)
	setMemoryLimit(*maxFlows)
	cat, site, err := cf.load()
	debug.SetGCPercent(gcPercent)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	opts := audit.Options{Files: fs.Args(), Catalog: cat, Site: site, MaxFlows: *maxFlows, Workers: *workers,
		Problem: func(p *capture.Problem) { fmt.Fprintf(stderr, "flowaudit: %s\n", p.Error()) }, Ending: limitMemory, Ended: boundMemory, DeferFlows: true}
	if !*noProgress {
		opts.Progress = stderr
	}
	rep, err := audit.Run(opts)
	if err != nil {
		if errors.Is(err, audit.ErrNothingRead) {
			fmt.Fprintf(stderr, "flowaudit: nothing could be read from %s\n", strings.Join(fs.Args(), ", "))
			return exitError{exitUsage}
		}
		return err
	}
	if *memProfile != "" {
		runtime.GC()
		pf, err := os.Create(*memProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.WriteHeapProfile(pf); err != nil {
			return err
		}
	}
	w := stdout
	color := capture.IsTerminal(stdout)
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w, color = file, false
	}
	if err := rep.Write(w, report.Options{Format: f, Color: color && f == report.FormatText}); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for v := range fail {
		if rep.Summary.Verdicts[v] > 0 {
			return exitError{exitFindings}
		}
	}
	return nil
}
