package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Format is an output format.
type Format string

const (
	FormatText     Format = "text"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "markdown"
)

// Options shape the rendering.
type Options struct {
	Format   Format
	Color    bool // ANSI colours (text on a terminal)
	MaxShown int  // groups shown per section in text and markdown (0: 25)
}

// Write renders the report.
// Output is buffered here, in one place: the renderers write many small
// pieces, and unbuffered each was a system call (3,400 for the text
// report of the 5-million-packet gateway mix).
func (r *Report) Write(w io.Writer, o Options) error {
	if o.MaxShown <= 0 {
		o.MaxShown = 25
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch o.Format {
	case FormatJSON:
		err = r.writeJSON(bw)
	case FormatMarkdown:
		r.FlowGroups()
		err = r.markdown(bw, o)
	default:
		r.FlowGroups()
		err = r.text(bw, o)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// section is one block of findings: a verdict, or blocked flows split by
// whether a document requires them.
type section struct {
	title string
	color string
	match func(*FlowGroup) bool
	why   string
}

var sections = []section{
	{"EXPOSURE", "\x1b[1;31m", func(g *FlowGroup) bool { return g.Verdict == "exposure" },
		"an internal-only port reached from outside the internal networks"},
	{"BLOCKED: DOCUMENTED FLOWS", "\x1b[1;31m", func(g *FlowGroup) bool { return g.Verdict == "blocked" && g.Requirement != "" },
		"attempts at flows a vendor document requires, that failed: a firewall breaking a requirement"},
	{"BLOCKED: OTHER FLOWS", "\x1b[31m", func(g *FlowGroup) bool { return g.Verdict == "blocked" && g.Requirement == "" },
		"failed attempts at flows no document requires"},
	{"UNDOCUMENTED PORTS", "\x1b[33m", func(g *FlowGroup) bool { return g.Verdict == "undocumented-port" },
		"a destination the catalog knows, on a port no document lists"},
	{"UNEXPECTED", "\x1b[33m", func(g *FlowGroup) bool { return g.Verdict == "unexpected" },
		"destinations no document names"},
	{"NOT REQUIRED", "\x1b[36m", func(g *FlowGroup) bool { return g.Verdict == "not-required" },
		"flows the documents say are not needed"},
	{"DOCUMENTED", "\x1b[32m", func(g *FlowGroup) bool { return g.Verdict == "documented" },
		"flows that satisfy a requirement"},
}

const reset = "\x1b[0m"

func (r *Report) text(w io.Writer, o Options) error {
	paint := func(c, s string) string {
		if !o.Color {
			return s
		}
		return c + s + reset
	}
	c := &r.Capture
	fmt.Fprintln(w, paint("\x1b[1m", "flowaudit audit"))
	fmt.Fprintf(w, "Capture: %s\n", strings.Join(c.Files, ", "))
	fmt.Fprintf(w, "  %d packets, %s, %s\n", c.Packets, humanBytes(c.Bytes), span(c.First, c.Last))
	fmt.Fprintf(w, "  %d malformed, %d skipped (not IP or unknown link), %d truncated, %d duplicates counted once\n", c.Malformed, c.Skipped, c.Truncated, c.Duplicates)
	if c.Evicted > 0 {
		fmt.Fprintf(w, "  %d flows ended early: the flow table was full\n", c.Evicted)
	}
	for _, p := range c.Problems {
		fmt.Fprintf(w, "  %s %s\n", paint("\x1b[33m", "problem:"), p)
	}
	if l := c.Loss; l != nil {
		fmt.Fprintf(w, "  live: %s engine (%s) on %s: %d packets in the kernel, %d frames handed up, %d lost, %d flows lost from the kernel's map\n",
			l.Engine, l.Mode, strings.Join(l.Interfaces, ", "), l.Packets, l.Delivered, l.Dropped, l.FlowMapLost)
		for _, e := range l.Errors {
			fmt.Fprintf(w, "  %s %s\n", paint("\x1b[33m", "live:"), e)
		}
		if l.Suspect > 0 {
			fmt.Fprintf(w, "  %s %d connections may have a wrong verdict: data of theirs was lost\n", paint("\x1b[33m", "suspect:"), l.Suspect)
			for _, f := range l.SuspectFlows {
				fmt.Fprintf(w, "    %s\n", f)
			}
		}
	}
	fmt.Fprintf(w, "Site: internal networks %s", strings.Join(r.Site.Internal, ", "))
	if r.Site.File != "" {
		fmt.Fprintf(w, " (%s)", r.Site.File)
	}
	fmt.Fprintln(w)
	if r.Site.AssumedRoles {
		fmt.Fprintf(w, "  %d roles have no addresses: any internal address may play them; Internet ones are known by name only (a --site file makes this precise)\n", r.Site.UnboundRoles)
	}

	s := &r.Summary
	fmt.Fprintln(w)
	fmt.Fprintln(w, paint("\x1b[1m", "SUMMARY"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  connections\t%d\t\n", s.Connections)
	for _, v := range []string{"exposure", "blocked", "undocumented-port", "unexpected", "not-required", "documented"} {
		extra := ""
		if v == "blocked" && s.DocumentedBlocked > 0 {
			extra = fmt.Sprintf("  (%d at documented requirements)", s.DocumentedBlocked)
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", v, s.Verdicts[v], extra)
	}
	tw.Flush()
	rs := s.RequirementsStatus
	fmt.Fprintf(w, "  requirements: %d observed, %d blocked, %d partly blocked, %d not observed\n",
		rs[StatusObserved], rs[StatusBlocked], rs[StatusPartlyBlocked], rs[StatusNotObserved])
	if s.Grouping != "" {
		fmt.Fprintf(w, "  %s\n", groupingText(s.Grouping))
	}

	for _, sec := range sections {
		groups := r.groupsOf(sec)
		if len(groups) == 0 {
			continue
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s (%d connections in %d groups): %s\n", paint(sec.color, sec.title), sumCount(groups), len(groups), sec.why)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SOURCE\tDESTINATION\tPROTO/PORT\tSTATE\tCOUNT\tFIRST SEEN\tLAST SEEN\tREQUIREMENT / REASON")
		for i, g := range groups {
			if i == o.MaxShown {
				fmt.Fprintf(tw, "  ... %d more groups (use --format json for all)\n", len(groups)-i)
				break
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s/%d\t%s\t%d\t%s\t%s\t%s\n", source(g), destination(g), g.Proto, g.DstPort,
				states(g), g.Count, clock(g.FirstSeen), clock(g.LastSeen), requirementOrReason(g))
		}
		tw.Flush()
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, paint("\x1b[1m", "DOCUMENTED vs OBSERVED"))
	fmt.Fprintf(w, "  documented and seen:       %d requirements\n", len(r.Diff.DocumentedSeen))
	r.listRequirements(w, r.Diff.DocumentedSeen, o.MaxShown)
	fmt.Fprintf(w, "  documented and failing:    %d requirements\n", len(r.Diff.DocumentedFailing))
	r.listRequirements(w, r.Diff.DocumentedFailing, o.MaxShown)
	fmt.Fprintf(w, "  documented and never seen: %d requirements\n", len(r.Diff.DocumentedNeverSeen))
	r.neverSeenByService(w)
	fmt.Fprintf(w, "  seen and undocumented:     %d groups, %d connections (see UNDOCUMENTED PORTS and UNEXPECTED)\n",
		len(r.Diff.SeenUndocumented), r.undocumentedConnections())
	return nil
}

func (r *Report) groupsOf(sec section) []*FlowGroup {
	var out []*FlowGroup
	for i := range r.Flows {
		if sec.match(&r.Flows[i]) {
			out = append(out, &r.Flows[i])
		}
	}
	return out
}

func (r *Report) listRequirements(w io.Writer, ids []string, max int) {
	byID := map[string]*RequirementStatus{}
	for i := range r.Requirements {
		byID[r.Requirements[i].ID] = &r.Requirements[i]
	}
	for i, id := range ids {
		if i == max {
			fmt.Fprintf(w, "    ... %d more\n", len(ids)-i)
			return
		}
		st := byID[id]
		fmt.Fprintf(w, "    %-60s %s %s/%s, %d connections", id, st.Status, st.Proto, st.Ports, st.Flows)
		if st.Blocked > 0 {
			fmt.Fprintf(w, ", %d blocked", st.Blocked)
		}
		fmt.Fprintln(w)
	}
}

func (r *Report) neverSeenByService(w io.Writer) {
	total, never := map[string]int{}, map[string]int{}
	var order []string
	for _, st := range r.Requirements {
		if total[st.Service] == 0 {
			order = append(order, st.Service)
		}
		total[st.Service]++
		if st.Status == StatusNotObserved {
			never[st.Service]++
		}
	}
	for _, s := range order {
		if never[s] > 0 {
			fmt.Fprintf(w, "    %-16s %d of %d requirements\n", s, never[s], total[s])
		}
	}
}

func (r *Report) undocumentedConnections() uint64 {
	var n uint64
	for _, i := range r.Diff.SeenUndocumented {
		n += r.Flows[i].Count
	}
	return n
}

func sumCount(gs []*FlowGroup) uint64 {
	var n uint64
	for _, g := range gs {
		n += g.Count
	}
	return n
}

func source(g *FlowGroup) string {
	if g.SrcRole != "" {
		if g.Sources > 1 {
			return fmt.Sprintf("%s (%d hosts)", g.SrcRole, g.Sources)
		}
		return g.SrcRole + " " + g.Src
	}
	return g.Src
}

func destination(g *FlowGroup) string {
	label := g.Dst
	if g.Destinations > 1 {
		label = fmt.Sprintf("%d addresses", g.Destinations)
	}
	if len(g.Names) > 0 {
		label = g.Names[0].Name + " [" + g.Names[0].Source + "] " + label
	} else if len(g.DstRoles) > 0 {
		label += " (" + strings.Join(g.DstRoles, ",") + ")"
	}
	return label
}

// states writes "SF" or "S1:3,SF:2".
func states(g *FlowGroup) string {
	if len(g.ConnStates) <= 1 {
		return g.ConnState
	}
	out := make([]string, len(g.ConnStates))
	for i, c := range g.ConnStates {
		out[i] = fmt.Sprintf("%s:%d", c.State, c.Count)
	}
	return strings.Join(out, ",")
}

func requirementOrReason(g *FlowGroup) string {
	switch {
	case g.Reason != "" && g.Requirement != "":
		return g.Requirement + ": " + g.Reason
	case g.Reason != "":
		return g.Reason
	case g.Requirement != "" && g.Assumed:
		return g.Requirement + " (role assumed)"
	case g.Requirement != "":
		return g.Requirement
	case g.Proto == "udp" && !g.Answered:
		return "unanswered"
	}
	return "-"
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02 15:04:05")
}

func span(a, b time.Time) string {
	if a.IsZero() {
		return "no packets"
	}
	return fmt.Sprintf("%s to %s (%s)", a.Format(time.RFC3339), b.Format(time.RFC3339), b.Sub(a).Round(time.Millisecond))
}

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func (r *Report) markdown(w io.Writer, o Options) error {
	c := &r.Capture
	fmt.Fprintf(w, "## flowaudit audit\n\n")
	fmt.Fprintf(w, "**Capture:** %s: %d packets, %s, %s. %d malformed, %d skipped, %d duplicates counted once.\n\n",
		strings.Join(c.Files, ", "), c.Packets, humanBytes(c.Bytes), span(c.First, c.Last), c.Malformed, c.Skipped, c.Duplicates)
	for _, p := range c.Problems {
		fmt.Fprintf(w, "- problem: %s\n", mdEscape(p))
	}
	if l := c.Loss; l != nil {
		fmt.Fprintf(w, "**Live:** %s engine (%s) on %s: %d packets in the kernel, %d frames handed up, %d lost, %d flows lost from the kernel's map; %d connections may have a wrong verdict (data lost).\n\n",
			l.Engine, l.Mode, strings.Join(l.Interfaces, ", "), l.Packets, l.Delivered, l.Dropped, l.FlowMapLost, l.Suspect)
		for _, e := range l.Errors {
			fmt.Fprintf(w, "- live: %s\n", mdEscape(e))
		}
		for _, f := range l.SuspectFlows {
			fmt.Fprintf(w, "- suspect: %s\n", mdEscape(f))
		}
	}
	s := &r.Summary
	fmt.Fprintf(w, "### Summary\n\n| verdict | connections |\n|---|---:|\n")
	for _, v := range []string{"exposure", "blocked", "undocumented-port", "unexpected", "not-required", "documented"} {
		fmt.Fprintf(w, "| %s | %d |\n", v, s.Verdicts[v])
	}
	fmt.Fprintf(w, "\n%d blocked connections were at documented requirements. Requirements: %d observed, %d blocked, %d partly blocked, %d not observed.\n",
		s.DocumentedBlocked, s.RequirementsStatus[StatusObserved], s.RequirementsStatus[StatusBlocked], s.RequirementsStatus[StatusPartlyBlocked], s.RequirementsStatus[StatusNotObserved])
	if s.Grouping != "" {
		fmt.Fprintf(w, "\n%s: %s.\n", s.Grouping, groupingText(s.Grouping))
	}
	for _, sec := range sections {
		groups := r.groupsOf(sec)
		if len(groups) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n### %s\n\n%s (%d connections).\n\n", strings.ToLower(sec.title[:1])+strings.ToLower(sec.title[1:]), sec.why, sumCount(groups))
		fmt.Fprintf(w, "| source | destination | proto/port | state | count | first seen | last seen | requirement / reason |\n|---|---|---|---|---:|---|---|---|\n")
		for i, g := range groups {
			if i == o.MaxShown {
				fmt.Fprintf(w, "\n%d more groups not shown.\n", len(groups)-i)
				break
			}
			fmt.Fprintf(w, "| %s | %s | %s/%d | %s | %d | %s | %s | %s |\n", mdEscape(source(g)), mdEscape(destination(g)), g.Proto, g.DstPort,
				states(g), g.Count, clock(g.FirstSeen), clock(g.LastSeen), mdEscape(requirementOrReason(g)))
		}
	}
	fmt.Fprintf(w, "\n### Documented vs observed\n\n- documented and seen: %d\n- documented and failing: %d",
		len(r.Diff.DocumentedSeen), len(r.Diff.DocumentedFailing))
	for _, id := range r.Diff.DocumentedFailing {
		fmt.Fprintf(w, "\n  - `%s`", id)
	}
	fmt.Fprintf(w, "\n- documented and never seen: %d\n- seen and undocumented: %d groups\n", len(r.Diff.DocumentedNeverSeen), len(r.Diff.SeenUndocumented))
	return nil
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// writeJSON streams the report: the flow groups a piece at a time
// (writeFlows), so a report of a million groups is not built in memory
// twice over, nor once when it was built deferred.
func (r *Report) writeJSON(bw *bufio.Writer) error {
	field := func(name string, v any, last bool) error {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "  %q: %s", name, b)
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	bw.WriteString("{\n")
	if err := field("capture", r.Capture, false); err != nil {
		return err
	}
	if err := field("summary", r.Summary, false); err != nil {
		return err
	}
	bw.WriteString("  \"flows\": [")
	var err error
	if p := r.pending; p != nil {
		err = writeFlows(bw, len(p.groups), func(b []byte, i int, arena *StateCounts) ([]byte, error) {
			g := p.spell(i, arena)
			return appendFlowGroup(b, &g)
		})
	} else {
		err = writeFlows(bw, len(r.Flows), func(b []byte, i int, _ *StateCounts) ([]byte, error) {
			return appendFlowGroup(b, &r.Flows[i])
		})
	}
	if err != nil {
		return err
	}
	bw.WriteString("],\n")
	if err := field("requirements", r.Requirements, false); err != nil {
		return err
	}
	if err := field("diff", r.Diff, false); err != nil {
		return err
	}
	if err := field("site", r.Site, true); err != nil {
		return err
	}
	_, err = bw.WriteString("}\n")
	return err
}
