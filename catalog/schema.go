package catalog

import (
	"reflect"
	"strings"
)

// The file schemas. They name the fields a catalog or site file may hold
// (the reader reports any other), and they are what yaml.v3 decodes into
// with KnownFields as a final strictness check.

type fileCatalog struct {
	Service      fileService       `yaml:"service"`
	Roles        []fileRole        `yaml:"roles"`
	Addresses    []fileAddress     `yaml:"addresses"`
	Requirements []fileRequirement `yaml:"requirements"`
}

type fileService struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Source Source `yaml:"source"`
	Note   string `yaml:"note"`
}

type fileRole struct {
	ID      string `yaml:"id"`
	Name    string `yaml:"name"`
	Summary string `yaml:"summary"`
	Zone    string `yaml:"zone"`
}

type fileAddress struct {
	Role    string `yaml:"role"`
	CIDR    string `yaml:"cidr"`
	Section string `yaml:"section"`
	Summary string `yaml:"summary"`
}

type fileRequirement struct {
	ID           string   `yaml:"id"`
	Section      string   `yaml:"section"`
	Row          string   `yaml:"row"`
	Summary      string   `yaml:"summary"`
	From         string   `yaml:"from"`
	To           string   `yaml:"to"`
	Hosts        []string `yaml:"hosts"`
	Proto        string   `yaml:"proto"`
	Ports        []any    `yaml:"ports"`
	ICMPTypes    []int    `yaml:"icmp-types"`
	Dynamic      bool     `yaml:"dynamic"`
	Flags        []string `yaml:"flags"`
	Alternatives []any    `yaml:"alternatives"`
	Pair         string   `yaml:"pair"`
	FallbackFor  string   `yaml:"fallback-for"`
	Condition    string   `yaml:"condition"`
	Note         string   `yaml:"note"`
}

type fileSite struct {
	Internal     []string            `yaml:"internal"`
	Services     []string            `yaml:"services"`
	Roles        map[string][]string `yaml:"roles"`
	Ports        map[string][]any    `yaml:"ports"`
	Placeholders map[string][]string `yaml:"placeholders"`
}

// keysOf lists the yaml field names of a schema struct, in order.
func keysOf(v any) []string {
	t := reflect.TypeOf(v)
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		keys = append(keys, name)
	}
	return keys
}

var (
	catalogKeys     = keysOf(fileCatalog{})
	serviceKeys     = keysOf(fileService{})
	sourceKeys      = keysOf(Source{})
	roleKeys        = keysOf(fileRole{})
	addressKeys     = keysOf(fileAddress{})
	requirementKeys = keysOf(fileRequirement{})
	siteKeys        = keysOf(fileSite{})
)
