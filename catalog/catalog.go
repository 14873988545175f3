package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Catalog is a checked set of services: every reference resolves, every id
// is unique across files.
type Catalog struct {
	Services     []*Service
	Roles        map[string]*Role
	Requirements []*Requirement
	byID         map[string]*Requirement
}

// Options say which catalogs to load.
type Options struct {
	NoBuiltin bool     // leave out the embedded catalogs
	Files     []string // user catalog files
}

// Load reads the built-in catalogs (unless NoBuiltin) and the user files,
// and builds them into one catalog. All problems of all files are returned
// together.
func Load(opts Options) (*Catalog, error) {
	var services []*Service
	var problems Problems
	if !opts.NoBuiltin {
		bs, err := Builtin()
		if err != nil {
			return nil, err
		}
		services = append(services, bs...)
	}
	for _, f := range opts.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			problems = append(problems, Problem{Pos: Pos{File: f}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			continue
		}
		s, err := ParseService(f, data)
		if err != nil {
			problems = append(problems, asProblems(err)...)
			continue
		}
		services = append(services, s)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return Build(services)
}

// Builtin parses the embedded catalogs, in file-name order.
func Builtin() ([]*Service, error) {
	names, err := fs.Glob(builtinFS, "builtin/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	// The files are parsed at once, one goroutine each: parsing them is
	// most of an audit's start (some 10 ms on the development VM), with
	// the other CPUs idle then.
	services := make([]*Service, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			data, err := builtinFS.ReadFile(name)
			if err == nil {
				services[i], err = parseService("builtin:"+path.Base(name), data, false)
			}
			if err != nil {
				errs[i] = fmt.Errorf("built-in catalog is broken: %w", err)
				return
			}
			services[i].Builtin = true
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return services, nil
}

// Build checks the services together: unique service, role and
// requirement ids, and every role reference resolved.
func Build(services []*Service) (*Catalog, error) {
	c := &Catalog{Roles: map[string]*Role{}, byID: map[string]*Requirement{}}
	var problems Problems
	seen := map[string]*Service{}
	for _, s := range services {
		if o := seen[s.ID]; o != nil {
			problems.add(s.Pos, "service.id", "service %q is already defined by %s; give this catalog another id", s.ID, o.Pos)
			continue
		}
		seen[s.ID] = s
		c.Services = append(c.Services, s)
		for _, r := range s.Roles {
			c.Roles[r.ID] = r
		}
	}
	for _, s := range c.Services {
		for _, a := range s.Addresses {
			if !roleKnown(a.Role, c.Roles) {
				problems.add(a.Pos, "role", "unknown role %q; known roles: %s", a.Role, knownRoleList(s.ID, c.Roles))
			}
		}
		for _, r := range s.Requirements {
			if o := c.byID[r.ID]; o != nil {
				problems.add(r.Pos, "id", "duplicate requirement id %q (also at %s)", r.ID, o.Pos)
				continue
			}
			for _, ref := range []struct{ field, id string }{{"from", r.From}, {"to", r.To}} {
				if ref.id != "" && !roleKnown(ref.id, c.Roles) {
					problems.add(r.Pos, r.ID+"."+ref.field, "unknown role %q; known roles: %s", ref.id, knownRoleList(s.ID, c.Roles))
				}
			}
			c.byID[r.ID] = r
			c.Requirements = append(c.Requirements, r)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return c, nil
}

// Requirement returns the requirement with this id, or nil.
func (c *Catalog) Requirement(id string) *Requirement { return c.byID[id] }

// Service returns the service with this id, or nil.
func (c *Catalog) Service(id string) *Service {
	for _, s := range c.Services {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func asProblems(err error) Problems {
	if ps, ok := err.(Problems); ok {
		return ps
	}
	return Problems{{Msg: err.Error()}}
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
