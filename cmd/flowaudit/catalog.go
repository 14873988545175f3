package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/flowaudit/flowaudit/catalog"
)

// catalogFlags are the flags every command that reads catalogs takes.
type catalogFlags struct {
	files     []string
	noBuiltin bool
	site      string
}

func (c *catalogFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&c.files, "catalog", nil, "add a user catalog `FILE` (repeatable)")
	fs.BoolVar(&c.noBuiltin, "no-builtin", false, "leave out the built-in catalogs")
	fs.StringVar(&c.site, "site", "", "bind the catalogs to a network with a site `FILE`")
}

// load reads the catalogs and the site. Problems in them are input errors.
func (c *catalogFlags) load() (*catalog.Catalog, *catalog.Site, error) {
	cat, err := catalog.Load(catalog.Options{NoBuiltin: c.noBuiltin, Files: c.files})
	if err != nil {
		return nil, nil, err
	}
	site := catalog.DefaultSite()
	if c.site != "" {
		if site, err = catalog.LoadSite(c.site); err != nil {
			return nil, nil, err
		}
		if err := cat.CheckSite(site); err != nil {
			return nil, nil, err
		}
	}
	return cat, site, nil
}

func newFlagSet(name string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	return fs
}

// parseFlags parses and turns --help into a clean exit.
func parseFlags(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitError{exitOK}
		}
		return usageError{err.Error()}
	}
	return nil
}

func catalogCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("catalog needs a subcommand: list, show, validate or export")
	}
	switch args[0] {
	case "list":
		return catalogList(args[1:], stdout, stderr)
	case "show":
		return catalogShow(args[1:], stdout, stderr)
	case "validate":
		return catalogValidate(args[1:], stdout, stderr)
	case "export":
		return catalogExport(args[1:], stdout, stderr)
	}
	return usagef("unknown catalog subcommand %q; want list, show, validate or export", args[0])
}

func catalogList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("catalog list", stderr)
	var cf catalogFlags
	cf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("catalog list takes no arguments")
	}
	cat, site, err := cf.load()
	if err != nil {
		return err
	}
	applied := map[string]int{}
	for _, e := range cat.Effective(site) {
		applied[e.Service]++
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tREQUIREMENTS\tROLES\tDOCUMENT\tTITLE")
	for _, s := range cat.Services {
		count := fmt.Sprint(len(s.Requirements))
		if applied[s.ID] == 0 {
			count += " (not applied)"
		}
		origin := s.Source.File
		if !s.Builtin {
			origin += " (" + s.Pos.File + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", s.ID, count, len(s.Roles), origin, s.Source.Title)
	}
	return w.Flush()
}

func catalogShow(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("catalog show", stderr)
	var cf catalogFlags
	cf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("catalog show takes one SERVICE (see `flowaudit catalog list`)")
	}
	cat, site, err := cf.load()
	if err != nil {
		return err
	}
	s := cat.Service(fs.Arg(0))
	if s == nil {
		ids := make([]string, len(cat.Services))
		for i, x := range cat.Services {
			ids[i] = x.ID
		}
		return usagef("unknown service %q; known: %s", fs.Arg(0), strings.Join(ids, ", "))
	}
	fmt.Fprintf(stdout, "%s: %s\nSource: %s, %q", s.ID, s.Title, s.Source.File, s.Source.Title)
	if s.Source.Publisher != "" {
		fmt.Fprintf(stdout, ", %s", s.Source.Publisher)
	}
	if s.Source.Version != "" {
		fmt.Fprintf(stdout, ", %s", s.Source.Version)
	}
	if s.Source.Date != "" {
		fmt.Fprintf(stdout, ", %s", s.Source.Date)
	}
	fmt.Fprintf(stdout, "\n%d requirements\n\n", len(s.Requirements))
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "REQUIREMENT\tFROM\tTO\tPROTO\tPORTS\tHOSTS\tFLAGS\tSECTION")
	for _, e := range cat.Effective(site) {
		if e.Service != s.ID {
			continue
		}
		ports := e.Ports.String()
		switch {
		case e.Dynamic && ports == "":
			ports = "dynamic"
		case e.Dynamic:
			ports += ",dynamic"
		case e.Proto == catalog.ProtoICMP:
			ports = "type " + joinInts(e.ICMPTypes)
		}
		hosts := make([]string, len(e.Hosts))
		for i, h := range e.Hosts {
			hosts[i] = h.String()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			strings.TrimPrefix(e.ID, s.ID+"/"), short(e.From, s.ID), short(e.To, s.ID), e.Proto, ports,
			dash(strings.Join(hosts, " ")), dash(e.AllFlags().String()), e.Section)
	}
	return w.Flush()
}

func short(role, service string) string { return strings.TrimPrefix(role, service+"/") }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinInts(v []uint8) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// catalogValidate checks files strictly. Each file is checked on its own,
// then with the others (and the built-ins, unless --no-builtin) so that
// references to roles of other catalogs resolve.
func catalogValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("catalog validate", stderr)
	noBuiltin := fs.Bool("no-builtin", false, "do not resolve role references against the built-in catalogs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("catalog validate needs at least one FILE")
	}
	_, err := catalog.Load(catalog.Options{NoBuiltin: *noBuiltin, Files: fs.Args()})
	var problems catalog.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(stderr, p.Error())
		}
		fmt.Fprintf(stderr, "%d problem(s) found\n", len(problems))
		return exitError{exitFindings}
	}
	if err != nil {
		return err
	}
	for _, f := range fs.Args() {
		fmt.Fprintf(stdout, "%s: ok\n", f)
	}
	return nil
}

func catalogExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("catalog export", stderr)
	var cf catalogFlags
	cf.register(fs)
	format := fs.String("format", "json", "output format: json or yaml")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("catalog export takes no arguments")
	}
	if *format != "json" && *format != "yaml" {
		return usagef("--format %q: want json or yaml", *format)
	}
	cat, site, err := cf.load()
	if err != nil {
		return err
	}
	doc := cat.ExportEffective(cat.Effective(site))
	if *format == "yaml" {
		enc := yaml.NewEncoder(stdout)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return err
		}
		return enc.Close()
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
