package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodeReader walks a parsed YAML document strictly: unknown keys, wrong
// kinds and duplicate keys become Problems naming file, line and field.
type nodeReader struct {
	file     string
	problems Problems
}

// parseYAML reads one YAML document into a node tree.
func (d *nodeReader) parseYAML(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.problems.add(Pos{File: d.file}, "", "the file is empty; a catalog starts with a service: mapping")
			return nil
		}
		d.problems.add(Pos{File: d.file, Line: yamlErrLine(err)}, "", "not valid YAML: %s", yamlErrText(err))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.problems.add(d.pos(&extra), "", "a second YAML document; one file holds one document")
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0]
	}
	d.problems.add(Pos{File: d.file}, "", "the file holds no YAML mapping")
	return nil
}

func (d *nodeReader) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line} }

// fields returns the keys of mapping n, checked against allowed; it
// reports unknown and repeated keys. It returns nil if n is not a mapping.
func (d *nodeReader) fields(n *yaml.Node, path string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		d.problems.add(d.pos(n), path, "found %s, want a mapping with fields %s", describe(n), strings.Join(allowed, ", "))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		field := join(path, key)
		switch {
		case !slices.Contains(allowed, key):
			d.problems.add(d.pos(k), field, "unknown field; allowed here: %s", strings.Join(allowed, ", "))
		case out[key] != nil:
			d.problems.add(d.pos(k), field, "given twice (first on line %d)", out[key].Line)
		default:
			out[key] = v
		}
	}
	return out
}

// str reads a string scalar; absent gives "".
func (d *nodeReader) str(m map[string]*yaml.Node, key, path string) string {
	n := m[key]
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.problems.add(d.pos(n), join(path, key), "found %s, want a string", describe(n))
		return ""
	}
	if n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float" {
		d.problems.add(d.pos(n), join(path, key), "found %s, want a string", describe(n))
		return ""
	}
	return n.Value
}

// required reads a string that must be present and non-empty.
func (d *nodeReader) required(m map[string]*yaml.Node, key, path string, at *yaml.Node) string {
	if m[key] == nil {
		d.problems.add(d.pos(at), join(path, key), "missing; this field is required")
		return ""
	}
	s := d.str(m, key, path)
	if s == "" && m[key].Kind == yaml.ScalarNode && m[key].Tag == "!!str" {
		d.problems.add(d.pos(m[key]), join(path, key), "is empty; this field is required")
	}
	return s
}

// boolean reads true/false; absent gives false.
func (d *nodeReader) boolean(m map[string]*yaml.Node, key, path string) bool {
	n := m[key]
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.problems.add(d.pos(n), join(path, key), "found %s, want true or false", describe(n))
		return false
	}
	var b bool
	_ = n.Decode(&b)
	return b
}

// seq returns the items of a sequence; absent gives nil.
func (d *nodeReader) seq(m map[string]*yaml.Node, key, path string) []*yaml.Node {
	n := m[key]
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.problems.add(d.pos(n), join(path, key), "found %s, want a list", describe(n))
		return nil
	}
	return n.Content
}

// strings reads a list of strings.
func (d *nodeReader) strings(m map[string]*yaml.Node, key, path string) ([]string, []*yaml.Node) {
	var out []string
	var nodes []*yaml.Node
	for i, n := range d.seq(m, key, path) {
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!bool" {
			d.problems.add(d.pos(n), fmt.Sprintf("%s[%d]", join(path, key), i), "found %s, want a string", describe(n))
			continue
		}
		out = append(out, n.Value)
		nodes = append(nodes, n)
	}
	return out, nodes
}

// integer reads an integer scalar within [lo, hi].
func (d *nodeReader) integer(n *yaml.Node, field string, lo, hi int, what string) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		d.problems.add(d.pos(n), field, "found %s, want %s", describe(n), what)
		return 0, false
	}
	var v int
	if err := n.Decode(&v); err != nil || v < lo || v > hi {
		d.problems.add(d.pos(n), field, "%s is out of range; want %s", n.Value, what)
		return 0, false
	}
	return v, true
}

// ports reads [80, 443, [63000, 64000]].
func (d *nodeReader) ports(m map[string]*yaml.Node, key, path string) PortSet {
	var set PortSet
	const want = "a port 1-65535"
	for i, n := range d.seq(m, key, path) {
		field := fmt.Sprintf("%s[%d]", join(path, key), i)
		if n.Kind == yaml.SequenceNode {
			if len(n.Content) != 2 {
				d.problems.add(d.pos(n), field, "a range has %d items, want two: [first, last]", len(n.Content))
				continue
			}
			lo, ok1 := d.integer(n.Content[0], field+"[0]", 1, 65535, want)
			hi, ok2 := d.integer(n.Content[1], field+"[1]", 1, 65535, want)
			if !ok1 || !ok2 {
				continue
			}
			if lo > hi {
				d.problems.add(d.pos(n), field, "range [%d, %d] is reversed; write [%d, %d]", lo, hi, hi, lo)
				continue
			}
			set = append(set, PortRange{uint16(lo), uint16(hi)})
			continue
		}
		if p, ok := d.integer(n, field, 1, 65535, want+" or a range [first, last]"); ok {
			set = append(set, PortRange{uint16(p), uint16(p)})
		}
	}
	return set
}

// describe says what a node is, for messages: `"abc" (a string)`.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	kind := map[string]string{"!!str": "a string", "!!int": "a number", "!!float": "a number", "!!bool": "a boolean", "!!null": "nothing"}[n.Tag]
	if kind == "" {
		kind = n.Tag
	}
	if n.Tag == "!!null" {
		return kind
	}
	return fmt.Sprintf("%q (%s)", n.Value, kind)
}

func join(path, key string) string {
	if key == "" {
		return path
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlErrLine pulls the line number out of a yaml.v3 syntax error.
func yamlErrLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &line)
	}
	return line
}

func yamlErrText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}

// strictCheck decodes the whole document once more with yaml.v3's own
// KnownFields, as a backstop for the hand-written walk above.
func strictCheck(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if reflect.ValueOf(v).Kind() != reflect.Pointer {
		return fmt.Errorf("strictCheck needs a pointer")
	}
	return dec.Decode(v)
}
