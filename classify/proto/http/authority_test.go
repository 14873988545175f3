package http

import (
	"net/netip"
	"testing"
)

// TestIsIPv6 checks isIPv6 against netip.ParseAddr.
func TestIsIPv6(t *testing.T) {
	for _, s := range []string{
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1",
		"1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "fe80::1:2", "1:2:3:4:5:6:7::",
		"", ":", ":::", "1:2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.256",
		"::01.2.3.4", "1.2.3.4", "::g", "1:", ":1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:1", "fe80::1%eth0", "0",
		"::1.2.3.4.", "1::2:", "::0001:2", "::00001",
	} {
		a, err := netip.ParseAddr(s)
		want := err == nil && a.Is6() && a.Zone() == ""
		if got := isIPv6([]byte(s)); got != want {
			t.Errorf("isIPv6(%q) = %v, netip says %v", s, got, want)
		}
	}
}

func FuzzIsIPv6(f *testing.F) {
	f.Add("2001:db8::1")
	f.Add("::ffff:1.2.3.4")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := netip.ParseAddr(s)
		want := err == nil && a.Is6() && a.Zone() == ""
		if got := isIPv6([]byte(s)); got != want {
			t.Fatalf("isIPv6(%q) = %v, netip says %v", s, got, want)
		}
	})
}
