package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowaudit/flowaudit/catalog"
)

func builtinCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func effectiveByID(effective []*catalog.Effective) map[string]*catalog.Effective {
	m := map[string]*catalog.Effective{}
	for _, e := range effective {
		m[e.ID] = e
	}
	return m
}

func TestSiteAppliesOverridesChoicesAndPlaceholders(t *testing.T) {
	cat := builtinCatalog(t)
	site, err := catalog.ParseSite("site.yaml", []byte(`internal: [10.77.0.0/24, fd77::/64]
services: [configmgr, cassandra-mi]
roles:
  configmgr/client: [10.77.0.2, 10.77.0.3]
  configmgr/management-point: [10.77.0.5]
  cassandra-mi/node: [10.77.0.20/31]
ports:
  configmgr/client-to-management-point-http: [8080]
  configmgr/client-to-software-update-point-http: [8530]
placeholders:
  region: [westeurope]
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CheckSite(site); err != nil {
		t.Fatal(err)
	}
	if got := len(site.Internal); got != 2 {
		t.Errorf("internal = %v", site.Internal)
	}
	eff := effectiveByID(cat.Effective(site))
	for id := range eff {
		if !strings.HasPrefix(id, "configmgr/") && !strings.HasPrefix(id, "cassandra-mi/") {
			t.Fatalf("service not applied by the site is present: %s", id)
		}
	}
	check := func(id, wantPorts string) {
		t.Helper()
		e := eff[id]
		if e == nil {
			t.Fatalf("%s missing", id)
		}
		if got := e.Ports.String(); got != wantPorts {
			t.Errorf("%s ports = %s, want %s", id, got, wantPorts)
		}
	}
	check("configmgr/client-to-management-point-http", "8080")
	check("configmgr/client-to-management-point-https", "443")
	check("configmgr/client-to-software-update-point-http", "8530")
	check("configmgr/client-to-software-update-point-https", "8531") // follows its pair
	check("configmgr/site-server-to-software-update-point-http", "80,8530")
	if h := eff["cassandra-mi/control-plane-storage"].Hosts; len(h) != 1 || h[0].String() != "snovapwesteurope.blob.core.windows.net" {
		t.Errorf("placeholder not bound: %v", h)
	}
}

func TestSiteProblems(t *testing.T) {
	cat := builtinCatalog(t)
	cases := []struct{ name, yaml, want string }{
		{"bad CIDR", "internal: [10.77.0.0/33]\n", `site.yaml:1: internal[0]: "10.77.0.0/33" is not a valid CIDR prefix`},
		{"bad address", "roles:\n  configmgr/client: [10.77.0.256]\n", `site.yaml:2: roles.configmgr/client[0]: "10.77.0.256" is not an IP address or CIDR prefix`},
		{"unknown role", "roles:\n  configmgr/clinet: [10.77.0.2]\n", `site.yaml:2: roles.configmgr/clinet: unknown role; known roles: internal, internet, configmgr/`},
		{"unknown field", "intenal: [10.0.0.0/8]\n", "site.yaml:1: intenal: unknown field; allowed here: internal, services, roles, ports, placeholders"},
		{"not configurable", "ports:\n  cassandra-mi/gossip: [7002]\n", "site.yaml:2: ports.cassandra-mi/gossip: the document fixes this requirement's ports to 7001; it is not configurable"},
		{"unknown requirement", "ports:\n  configmgr/nope: [1]\n", "site.yaml:2: ports.configmgr/nope: unknown requirement"},
		{"port out of range", "ports:\n  configmgr/client-to-management-point-http: [70000]\n", "site.yaml:2: ports.configmgr/client-to-management-point-http[0]: 70000 is out of range"},
		{"unknown service", "services: [sccm]\n", `unknown service "sccm"; loaded services: azure-sphere, cassandra-mi, configmgr, office365, windows-azure`},
		{"unused placeholder", "placeholders:\n  <tenant>: [contoso]\n", "site.yaml:2: placeholders.<tenant>: no host pattern of the loaded catalogs uses this placeholder"},
		{"bad placeholder value", "placeholders:\n  <region>: [west.europe]\n", `site.yaml:2: placeholders.<region>[0]: "west.europe" is not a valid part of a host name`},
		{"role given twice", "roles:\n  configmgr/client: [10.0.0.1]\n  configmgr/client: [10.0.0.2]\n", "site.yaml:3: roles.configmgr/client: given twice (first on line 2)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site, err := catalog.ParseSite("site.yaml", []byte(c.yaml))
			if err == nil {
				err = cat.CheckSite(site)
			}
			var problems catalog.Problems
			if !errors.As(err, &problems) {
				t.Fatalf("want problems, got %v", err)
			}
			if !strings.Contains(problems.Error(), c.want) {
				t.Errorf("missing %q in:\n%s", c.want, problems.Error())
			}
		})
	}
}

func TestDefaultSiteAppliesEverything(t *testing.T) {
	cat := builtinCatalog(t)
	eff := cat.Effective(nil)
	if len(eff) != len(cat.Requirements) {
		t.Errorf("effective %d, requirements %d", len(eff), len(cat.Requirements))
	}
	site := catalog.DefaultSite()
	if len(site.Internal) != 5 {
		t.Errorf("default internal = %v", site.Internal)
	}
}
