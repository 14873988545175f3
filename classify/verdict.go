package classify

// Verdict is what the audit concludes about a flow. When several apply,
// the first in this order wins: exposure, not-required, blocked,
// documented, undocumented-port, unexpected.
type Verdict uint8

const (
	VerdictExposure         Verdict = iota // breaks an internal-only requirement
	VerdictNotRequired                     // documented as not needed
	VerdictBlocked                         // the attempt failed
	VerdictDocumented                      // satisfies a requirement
	VerdictUndocumentedPort                // known destination, port no document lists
	VerdictUnexpected                      // nothing in the catalog names the destination
	numVerdicts
)

var verdictNames = [...]string{"exposure", "not-required", "blocked", "documented", "undocumented-port", "unexpected"}

func (v Verdict) String() string { return verdictNames[v] }

// ParseVerdict reads a verdict name.
func ParseVerdict(s string) (Verdict, bool) {
	for i, n := range verdictNames {
		if n == s {
			return Verdict(i), true
		}
	}
	return 0, false
}

// VerdictNames lists the verdicts in precedence order.
func VerdictNames() []string { return verdictNames[:] }
