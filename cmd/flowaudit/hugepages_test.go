package main

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestPreferHugePages: heap memory allocated after preferHugePages lies in
// the range it advised, and that range is backed by huge pages once
// touched. It fails if the runtime stops reusing the reserved range (the
// advice would then be lost on memory it never hands out again).
//
// It runs in a fresh process, as an audit does: in this test binary, other
// tests leave holes in the heap that a later allocation may fill instead.
func TestPreferHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(mode), "[never]") {
		t.Skipf("transparent huge pages are off here (%q, %v)", mode, err)
	}
	if os.Getenv("FLOWAUDIT_HUGEPAGES_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPreferHugePages$", "-test.v")
		cmd.Env = append(os.Environ(), "FLOWAUDIT_HUGEPAGES_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestPreferHugePages") {
			t.Fatalf("in a fresh process: %v\n%s", err, out)
		}
		return
	}
	start, end := preferHugePages(64 << 20)
	if end-start < 32<<20 {
		t.Fatalf("advised %#x-%#x: less than half of 64 MiB", start, end)
	}
	b := make([]byte, 16<<20)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	// The reservation started where this allocation does; the advice
	// covers its 2 MiB-aligned interior.
	if p+2<<20 < start || p+uintptr(len(b)) > end {
		t.Fatalf("a 16 MiB allocation at %#x-%#x lies outside the advised range %#x-%#x", p, p+uintptr(len(b)), start, end)
	}
	for i := range len(b) / 4096 {
		b[i*4096] = 1
	}
	flags, hugeKB := vma(t, max(p, start))
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the allocation's mapping lacks the huge page advice: VmFlags %q", flags)
	}
	if hugeKB < 12<<10 {
		t.Errorf("the touched 16 MiB allocation has only %d KiB on huge pages", hugeKB)
	}
	b[0] = 2 // keep b alive past the check
}

// vma returns the VmFlags and AnonHugePages (KiB) of the mapping holding
// address p, from /proc/self/smaps.
func vma(t *testing.T, p uintptr) (flags string, hugeKB int) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			lo, hi, _ := strings.Cut(fields[0], "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				if in {
					break // past the mapping
				}
				in = uintptr(a) <= p && p < uintptr(b)
				continue
			}
		}
		if !in {
			continue
		}
		switch {
		case strings.HasPrefix(line, "AnonHugePages:") && len(fields) >= 2:
			hugeKB, _ = strconv.Atoi(fields[1])
		case strings.HasPrefix(line, "VmFlags:"):
			flags = strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	if flags == "" {
		t.Fatalf("no mapping holds %#x in /proc/self/smaps", p)
	}
	return flags, hugeKB
}
