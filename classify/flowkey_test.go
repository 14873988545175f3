package classify

import (
	"bytes"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"unsafe"
)

// TestFlowKey: both directions of a flow give one key, its sides ordered as
// the addresses' 16-byte forms (then the ports) are, and each side turns
// back into the address it came from.
func TestFlowKey(t *testing.T) {
	addrs := []string{"10.0.0.1", "10.0.0.2", "192.168.1.200", "0.0.0.0", "255.255.255.255",
		"2001:db8::1", "2001:db8::2", "fe80::1", "::1", "::", "ffff::ffff"}
	for _, xs := range addrs {
		for _, ys := range addrs {
			x, y := netip.MustParseAddr(xs), netip.MustParseAddr(ys)
			if x.Is4() != y.Is4() {
				continue
			}
			for _, ports := range [][2]uint16{{40000, 443}, {443, 40000}, {53, 53}} {
				k1, xIsA := makeKey(x, y, ports[0], ports[1], 6)
				k2, yIsA := makeKey(y, x, ports[1], ports[0], 6)
				if k1 != k2 {
					t.Fatalf("%s:%d -> %s:%d: the two directions give %+v and %+v", x, ports[0], y, ports[1], k1, k2)
				}
				if x != y || ports[0] != ports[1] {
					if xIsA == yIsA {
						t.Errorf("%s:%d -> %s:%d: both directions say their source is side a: %v", x, ports[0], y, ports[1], xIsA)
					}
				}
				x16, y16 := x.As16(), y.As16()
				c := bytes.Compare(x16[:], y16[:])
				wantXIsA := c < 0 || c == 0 && ports[0] <= ports[1]
				if xIsA != wantXIsA {
					t.Errorf("%s:%d -> %s:%d: source is side a %v, want %v (byte order)", x, ports[0], y, ports[1], xIsA, wantXIsA)
				}
				a, b := k1.a.addr(), k1.b.addr()
				if !xIsA {
					a, b = b, a
				}
				if a != x || b != y || k1.proto != 6 {
					t.Errorf("%s -> %s: key gives back %s -> %s, proto %d", x, y, a, b, k1.proto)
				}
			}
		}
	}
	// An IPv4-mapped IPv6 address is keyed as its IPv4 address.
	v4, mapped := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("::ffff:10.1.2.3")
	if wordsOf(v4) != wordsOf(mapped) {
		t.Errorf("%s and %s key differently: %+v, %+v", v4, mapped, wordsOf(v4), wordsOf(mapped))
	}
}

// TestFlowKeyEqual: equal agrees with ==, and a change to any field of the
// key, found by reflection so that a field added later is covered too,
// makes two keys differ.
func TestFlowKeyEqual(t *testing.T) {
	base, _ := makeKey(netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2"), 40000, 443, 6)
	same := base
	if !base.equal(&same) {
		t.Fatal("a key is not equal to its copy")
	}
	var paths [][]int // the index path of every field that holds a value
	var walk func(typ reflect.Type, path []int)
	walk = func(typ reflect.Type, path []int) {
		if typ.Kind() != reflect.Struct {
			paths = append(paths, path)
			return
		}
		for i := range typ.NumField() {
			walk(typ.Field(i).Type, append(slices.Clone(path), i))
		}
	}
	walk(reflect.TypeFor[flowKey](), nil)
	for _, path := range paths {
		other := base
		v := reflect.ValueOf(&other).Elem().FieldByIndex(path)
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem() // unexported: set through its address
		v.SetUint(v.Uint() ^ 1)
		if base.equal(&other) || base == other {
			t.Errorf("keys differing in field %v are equal (equal %v, == %v)", path, base.equal(&other), base == other)
		}
	}
	if len(paths) != 7 {
		t.Errorf("flowKey has %d fields, equal compares 7", len(paths))
	}
}
