package catalog

import (
	"io/fs"
	"testing"
)

// TestBuiltinDecodesStrictly: the built-in catalogs skip the strict decode
// at run time (Builtin), so every one of them must pass it here, as a
// user's catalog file would have to.
func TestBuiltinDecodesStrictly(t *testing.T) {
	names, err := fs.Glob(builtinFS, "builtin/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no built-in catalogs: %v", err)
	}
	for _, name := range names {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := strictCheck(data, &fileCatalog{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := parseService(name, data, true); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The check finds what it is for: a key no catalog has.
	if err := strictCheck([]byte("service: {id: x, title: y, source: z, colour: red}\n"), &fileCatalog{}); err == nil {
		t.Error("strict decoding accepted an unknown key")
	}
}
