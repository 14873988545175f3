package main

import (
	"debug/buildinfo"
	"path/filepath"
	"testing"
)

// TestBinaryBuiltWithProfile checks that a plain `go build` of the command
// is optimised with the committed profile (cmd/flowaudit/default.pgo, made
// by `make pgo`): -pgo=auto finds it only under that name, beside main.
func TestBinaryBuiltWithProfile(t *testing.T) {
	info, err := buildinfo.ReadFile(flowauditBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "-pgo" {
			if filepath.Base(s.Value) != "default.pgo" {
				t.Fatalf("built with -pgo=%s, want cmd/flowaudit/default.pgo", s.Value)
			}
			return
		}
	}
	t.Fatal("built without a profile: cmd/flowaudit/default.pgo is missing (make pgo writes it)")
}
