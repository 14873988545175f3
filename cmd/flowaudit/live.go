package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/flowaudit/flowaudit/audit"
	"github.com/flowaudit/flowaudit/bpf"
	"github.com/flowaudit/flowaudit/capture"
	"github.com/flowaudit/flowaudit/capture/live"
	"github.com/flowaudit/flowaudit/report"
)

func liveCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("live", stderr)
	var cf catalogFlags
	cf.register(fs)
	ifaces := fs.StringArray("iface", nil, "capture on interface `IF` (repeatable: a gateway's LAN and WAN sides)")
	engine := fs.String("engine", "ebpf", "capture engine: ebpf (TCX, in-kernel flow counters) or afpacket (TPACKET_V3, every frame copied)")
	events := fs.String("events", "", "write findings, loss and summaries as NDJSON to `FILE` (- for standard output)")
	every := fs.Duration("report-every", time.Minute, "print a summary this often (0: never)")
	duration := fs.Duration("duration", 0, "stop after this long (0: at SIGINT or SIGTERM)")
	out := fs.StringP("output", "o", "", "write the final report to `FILE` instead of standard output")
	format := fs.String("format", "text", "final report format: text, json or markdown")
	workers := fs.Int("workers", 0, "CPUs classifying: 1 reads and classifies in one goroutine; N > 1: one reads and decodes, N-1 engines classify flows sharded by host pair (0: one per CPU)")
	maxFlows := fs.Int("max-flows", audit.DefaultMaxFlows, "flows tracked at once in user space; beyond it the least active are ended early (counted). Memory is held near 100 MiB + 300 bytes per flow, the capture rings besides (GOMEMLIMIT overrides)")
	fanout := fs.Int("fanout", 1, "afpacket: sockets per interface sharing its traffic (PACKET_FANOUT_HASH)")
	ringMiB := fs.Int("ring-mib", 0, "ring size in MiB: the eBPF ring buffer (default 8) or each AF_PACKET ring (default 32)")
	flowEntries := fs.Int("flow-map", 0, "ebpf: entries of the kernel's LRU flow map (default 131072)")
	attach := fs.String("attach", "", "ebpf: tcx or clsact (default: TCX, clsact on kernels without it)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: flowaudit live --iface IF [--iface IF2 ...] [flags]\n\nAudit the traffic of network interfaces as it flows: findings stream to --events,\na summary every --report-every, the full report at SIGINT/SIGTERM or when --duration ends.\nNeeds root, or CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (ebpf) / CAP_NET_RAW (afpacket).\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(*ifaces) == 0 {
		return usagef("live needs at least one --iface")
	}
	if fs.NArg() > 0 {
		return usagef("live takes no arguments (got %q): name interfaces with --iface", fs.Args())
	}
	f := report.Format(*format)
	if f != report.FormatText && f != report.FormatJSON && f != report.FormatMarkdown {
		return usagef("--format %q: want text, json or markdown", *format)
	}
	if *engine != live.EngineEBPF && *engine != live.EngineAFPacket {
		return usagef("--engine %q: want ebpf or afpacket", *engine)
	}
	// A gateway runs this for days: the same soft memory limit as an
	// audit's keeps the collector's headroom (by default the heap grows to
	// twice what is live) within the bound the flow table promises, while
	// flows churn and periodic reports come and go. The rings are mapped
	// by the kernel, outside the limit.
	memLimit, memBounded := setMemoryLimit(*maxFlows)
	cat, site, err := cf.load()
	if err != nil {
		return err
	}
	var evw io.Writer
	switch *events {
	case "":
	case "-":
		evw = stdout
	default:
		file, err := os.OpenFile(*events, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer file.Close()
		evw = file
	}
	// The report file is opened before capturing: a mistake in its name
	// shows at once, not at the end.
	w := stdout
	color := capture.IsTerminal(stdout) && *events != "-"
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w, color = file, false
	}

	eng, err := live.Open(live.Options{Ifaces: *ifaces, Engine: *engine, Attach: *attach, Fanout: *fanout, RingMiB: *ringMiB,
		BPF: bpf.Config{RingBytes: *ringMiB << 20, FlowEntries: *flowEntries}})
	if err != nil {
		var pe *live.PrivilegeError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "flowaudit live: %v\n", err)
			return exitError{exitPrivileges}
		}
		return fmt.Errorf("live: %w", err)
	}
	defer eng.Close()
	st := eng.Stats()
	for _, e := range st.Errors {
		fmt.Fprintf(stderr, "flowaudit live: %s\n", e)
	}
	if memBounded {
		from := fmt.Sprintf("--max-flows %d; GOMEMLIMIT overrides", *maxFlows)
		if os.Getenv("GOMEMLIMIT") != "" {
			from = "GOMEMLIMIT"
		}
		fmt.Fprintf(stderr, "flowaudit live: memory held near %d MiB (%s), the program and capture rings besides\n", memLimit>>20, from)
	}
	fmt.Fprintf(stderr, "flowaudit live: capturing on %v with the %s engine (%s)\n", st.Ifaces, st.Engine, st.Mode)

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	aud := NewAuditor(AuditorConfig{
		Engine:      eng,
		Pipeline:    audit.PipelineConfig{Catalog: cat, Site: site, MaxFlows: *maxFlows, Workers: *workers},
		Events:      evw,
		ReportEvery: *every,
		Summary:     func(r *report.Report) { printSummary(stderr, r) },
	})
	runErr := aud.Run(ctx)
	stop() // a second signal now kills at once
	rep := aud.Report()
	if err := rep.Write(w, report.Options{Format: f, Color: color && f == report.FormatText}); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := aud.EventsError(); err != nil {
		fmt.Fprintf(stderr, "flowaudit live: writing events: %v\n", err)
	}
	if runErr != nil {
		return fmt.Errorf("live: %w", runErr)
	}
	return nil
}

// exitPrivileges is the exit status when the capture cannot start for
// lack of privileges.
const exitPrivileges = 3

// printSummary is the periodic one-line summary on standard error.
func printSummary(w io.Writer, r *report.Report) {
	s := &r.Summary
	v := s.Verdicts
	fmt.Fprintf(w, "flowaudit live: %s: %d connections: %d blocked (%d documented), %d exposure, %d undocumented-port, %d unexpected, %d documented",
		time.Now().Format("15:04:05"), s.Connections, v["blocked"], s.DocumentedBlocked, v["exposure"], v["undocumented-port"], v["unexpected"], v["documented"])
	if l := r.Capture.Loss; l != nil {
		fmt.Fprintf(w, "; %d packets, %d handed up, %d lost", l.Packets, l.Delivered, l.Dropped)
		if l.Suspect > 0 {
			fmt.Fprintf(w, ", %d suspect verdicts", l.Suspect)
		}
	}
	fmt.Fprintln(w)
}
