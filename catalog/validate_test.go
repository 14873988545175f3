package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/catalog"
)

const goodHead = `service:
  id: acme
  title: ACME agent
  source: {file: acme.pdf, title: ACME network guide}
roles:
  - {id: acme/agent, name: Agent, zone: internal}
requirements:
`

// TestValidationMessages feeds broken catalogs and checks that each problem
// is reported with file:line, the field, what was found and what is allowed.
func TestValidationMessages(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // each must appear in one problem line
	}{
		{"unknown field", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, prots: [80]}\n",
			[]string{"acme.yaml:8: requirements[0].prots: unknown field; allowed here: id, section, row, summary, from, to, hosts, proto, ports,"}},
		{"unknown top-level field", "servise: {}\n" + goodHead,
			[]string{"acme.yaml:1: servise: unknown field; allowed here: service, roles, addresses, requirements"}},
		{"port out of range", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [80, 70000]}\n",
			[]string{"acme.yaml:8: requirements[0].ports[1]: 70000 is out of range; want a port 1-65535 or a range [first, last]"}},
		{"port zero", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [0]}\n",
			[]string{"requirements[0].ports[0]: 0 is out of range"}},
		{"port as text", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [http]}\n",
			[]string{`acme.yaml:8: requirements[0].ports[0]: found "http" (a string), want a port 1-65535 or a range [first, last]`}},
		{"reversed range", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: udp, ports: [[64000, 63000]]}\n",
			[]string{"acme.yaml:8: requirements[0].ports[0]: range [64000, 63000] is reversed; write [63000, 64000]"}},
		{"range of three", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: udp, ports: [[1, 2, 3]]}\n",
			[]string{"requirements[0].ports[0]: a range has 3 items, want two: [first, last]"}},
		{"wrong type for ports", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: 80}\n",
			[]string{`acme.yaml:8: requirements[0].ports: found "80" (a number), want a list`}},
		{"wrong type for dynamic", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, dynamic: yes please}\n",
			[]string{`requirements[0].dynamic: found "yes please" (a string), want true or false`}},
		{"unknown proto", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: sctp, ports: [1]}\n",
			[]string{`acme.yaml:8: requirements[0].proto: found "sctp"; want tcp, udp or icmp`}},
		{"unknown role", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agnet, to: internet, proto: tcp, ports: [1]}\n",
			[]string{`acme.yaml:8: acme/a.from: unknown role "acme/agnet"; known roles: internal, internet, acme/agent`}},
		{"duplicate id", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1]}\n  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [2]}\n",
			[]string{`acme.yaml:9: requirements[1].id: duplicate requirement id "acme/a" (first defined on line 8)`}},
		{"bad CIDR", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1]}\naddresses:\n  - {role: acme/agent, cidr: 10.0.0.300/24}\n",
			[]string{`acme.yaml:10: addresses[0].cidr: "10.0.0.300/24" is not a valid CIDR prefix; want e.g. 10.77.0.0/24 or fd77::/64`}},
		{"CIDR with host bits", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1]}\naddresses:\n  - {role: acme/agent, cidr: 10.0.0.1/24}\n",
			[]string{`addresses[0].cidr: "10.0.0.1/24" has host bits set; did you mean 10.0.0.0/24?`}},
		{"id without service prefix", goodHead + "  - {id: other/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1]}\n",
			[]string{`requirements[0].id: "other/a" is not a valid requirement id; want acme/<kebab-case-name>`}},
		{"missing fields", goodHead + "  - {id: acme/a, from: acme/agent, to: internet, proto: tcp, ports: [1]}\n",
			[]string{"acme.yaml:8: requirements[0].section: missing; this field is required", "acme.yaml:8: requirements[0].summary: missing"}},
		{"tcp without ports", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp}\n",
			[]string{"requirements[0].ports: missing; a tcp requirement lists its ports, or says dynamic: true"}},
		{"unknown flag", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1], flags: [optinal]}\n",
			[]string{`requirements[0].flags[0]: unknown flag "optinal"; allowed: bidirectional, configurable, proxy, optional, not-required, internal-only, doubtful`}},
		{"doubtful without note", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1], flags: [doubtful]}\n",
			[]string{"requirements[0].note: missing; a doubtful requirement explains in its note why"}},
		{"bad host pattern", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [1], hosts: [\"foo.*.com\"]}\n",
			[]string{`requirements[0].hosts[0]: '*' is allowed only as a whole first label`}},
		{"unknown pair", goodHead + "  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [80], alternatives: [8530], pair: acme/b}\n",
			[]string{`acme.yaml:8: acme/a.pair: unknown requirement "acme/b"`}},
		{"bad zone", "service: {id: acme, title: t, source: {file: f, title: t}}\nroles:\n  - {id: acme/x, zone: dmz}\nrequirements: []\n",
			[]string{`acme.yaml:3: roles[0].zone: found "dmz"; want internal, internet or any`}},
		{"not YAML", "service: [unclosed\n", []string{"acme.yaml:1: not valid YAML: did not find expected"}},
		{"empty file", "", []string{"acme.yaml: the file is empty"}},
		{"YAML list instead of mapping", "- a\n- b\n", []string{"acme.yaml:1: found a list, want a mapping with fields service, roles"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := catalog.ParseService("acme.yaml", []byte(c.yaml))
			if err == nil {
				_, err = catalog.Build([]*catalog.Service{s})
			}
			var problems catalog.Problems
			if !errors.As(err, &problems) {
				t.Fatalf("want problems, got %v", err)
			}
			text := problems.Error()
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in:\n%s", w, text)
				}
			}
		})
	}
}

// TestValidationGood shows the good head is itself valid, so each case above
// fails for the reason it names.
func TestValidationGood(t *testing.T) {
	s, err := catalog.ParseService("acme.yaml", []byte(goodHead+"  - {id: acme/a, section: S, summary: s, from: acme/agent, to: internet, proto: tcp, ports: [80, [63000, 64000]], flags: [configurable]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Build([]*catalog.Service{s}); err != nil {
		t.Fatal(err)
	}
	r := s.Requirements[0]
	if r.Ports.String() != "80,63000-64000" || !r.Ports.Contains(63500) || r.Ports.Contains(81) {
		t.Errorf("ports = %s", r.Ports)
	}
}

// TestUserCatalogUsesBuiltinRoles: a user's catalog may name a built-in
// role, and may not reuse a built-in id.
func TestUserCatalogUsesBuiltinRoles(t *testing.T) {
	user, err := catalog.ParseService("agent.yaml", []byte(`service: {id: acme, title: t, source: {file: f, title: t}}
requirements:
  - {id: acme/agent-to-mp, section: S, summary: s, from: configmgr/client, to: configmgr/management-point, proto: tcp, ports: [8080]}
`))
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Build(append(builtin, user)); err != nil {
		t.Errorf("user catalog naming built-in roles: %v", err)
	}
	if _, err := catalog.Build([]*catalog.Service{user}); err == nil || !strings.Contains(err.Error(), `unknown role "configmgr/client"`) {
		t.Errorf("without built-ins: %v", err)
	}
	dup, _ := catalog.ParseService("dup.yaml", []byte("service: {id: configmgr, title: t, source: {file: f, title: t}}\nrequirements: []\n"))
	if _, err := catalog.Build(append(builtin, dup)); err == nil || !strings.Contains(err.Error(), `dup.yaml:1: service.id: service "configmgr" is already defined by builtin:configmgr.yaml`) {
		t.Errorf("duplicate service: %v", err)
	}
}
