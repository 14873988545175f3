package live

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Capabilities the engines need.
const (
	capNetAdmin = 12
	capNetRaw   = 13
	capSysAdmin = 21
	capPerfmon  = 38
	capBPF      = 39
)

var capNames = map[int]string{capNetAdmin: "CAP_NET_ADMIN", capNetRaw: "CAP_NET_RAW", capSysAdmin: "CAP_SYS_ADMIN", capPerfmon: "CAP_PERFMON", capBPF: "CAP_BPF"}

// PrivilegeError says which capabilities an engine lacks.
type PrivilegeError struct {
	Engine  string
	Missing []string // capability names
	Err     error    // the failed operation, if any
}

func (e *PrivilegeError) Error() string {
	need := "CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON"
	if e.Engine == EngineAFPacket {
		need = "CAP_NET_RAW"
	}
	msg := fmt.Sprintf("the %s engine needs %s (or root)", e.Engine, need)
	if len(e.Missing) > 0 {
		msg += "; missing: " + strings.Join(e.Missing, ", ")
	}
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg + `: run as root, or with these capabilities (see "Live auditing" in the README: a systemd unit with AmbientCapabilities)`
}

func (e *PrivilegeError) Unwrap() error { return e.Err }

// effectiveCaps reads the effective capability set of this process.
func effectiveCaps() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, errors.New("no CapEff in /proc/self/status")
}

// checkCaps returns a *PrivilegeError when the process lacks a capability
// the engine needs. CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON
// (kernels before 5.8 know only it).
func checkCaps(engine string) error {
	eff, err := effectiveCaps()
	if err != nil {
		return nil // cannot tell: let the operations say
	}
	has := func(c int) bool { return eff&(1<<c) != 0 }
	var need []int
	switch engine {
	case EngineEBPF:
		need = []int{capBPF, capNetAdmin, capPerfmon}
	case EngineAFPacket:
		need = []int{capNetRaw}
	}
	var missing []string
	for _, c := range need {
		if has(c) || ((c == capBPF || c == capPerfmon) && has(capSysAdmin)) {
			continue
		}
		missing = append(missing, capNames[c])
	}
	if len(missing) > 0 {
		return &PrivilegeError{Engine: engine, Missing: missing}
	}
	return nil
}

// privileged turns a permission error from the kernel into a
// *PrivilegeError naming what the engine needs.
func privileged(engine, what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission) {
		pe := &PrivilegeError{Engine: engine, Err: fmt.Errorf("%s: %w", what, err)}
		if c, ok := checkCaps(engine).(*PrivilegeError); ok {
			pe.Missing = c.Missing
		}
		return pe
	}
	return fmt.Errorf("%s: %w", what, err)
}
