package netlab

import (
	"fmt"
	"strings"
)

// NFTTable is the nft table (family inet) that Chain scripts create.
const NFTTable = "netlab"

// Verdicts of nft rules for the failure kinds. Those naming icmp apply to
// IPv4 packets only, icmpv6 to IPv6 only, icmpx to both.
const (
	Drop                 = "drop"
	RejectTCPReset       = "reject with tcp reset"
	RejectPortUnreach    = "reject with icmp type port-unreachable"
	RejectHostUnreach    = "reject with icmp type host-unreachable"
	RejectNetUnreach     = "reject with icmp type net-unreachable"
	RejectAdminProhib    = "reject with icmp type admin-prohibited"
	RejectPortUnreach6   = "reject with icmpv6 type port-unreachable"
	RejectAddrUnreach6   = "reject with icmpv6 type addr-unreachable"
	RejectNoRoute6       = "reject with icmpv6 type no-route"
	RejectAdminProhib6   = "reject with icmpv6 type admin-prohibited"
	RejectAnyAdminProhib = "reject with icmpx type admin-prohibited"
)

// Chain returns an nft script adding, to table inet netlab, a base filter
// chain on hook ("input", "output", "forward", "prerouting", "postrouting")
// holding the rules (each an nft rule, e.g.
// "ip daddr 10.77.2.2 tcp dport 8443 tcp flags syn "+RejectTCPReset).
// Scripts of several Chain calls can be concatenated.
func Chain(hook string, rules ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table inet %s {\n\tchain %s {\n\t\ttype filter hook %s priority filter; policy accept;\n", NFTTable, hook, hook)
	for _, r := range rules {
		fmt.Fprintf(&b, "\t\t%s\n", r)
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}

// NFT applies an nft script (nft -f -) in namespace ns, failing the test on
// error.
func (l *Lab) NFT(ns, script string) {
	l.t.Helper()
	if out, err := l.RunInput(ns, script, "nft", "-f", "-"); err != nil {
		l.t.Fatalf("netlab: nft in %s: %v\n%s\nscript:\n%s", ns, err, out, script)
	}
}

// NFTFlush removes every nft rule of namespace ns.
func (l *Lab) NFTFlush(ns string) {
	l.t.Helper()
	l.NFT(ns, "flush ruleset\n")
}

// NFTList returns the ruleset of namespace ns (for failure messages).
func (l *Lab) NFTList(ns string) string {
	out, _ := l.Run(ns, "nft", "list", "ruleset")
	return out
}
