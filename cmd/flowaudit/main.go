// Command flowaudit audits the traffic a gateway carries against the network
// requirements vendors document.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1 // validation errors, or findings selected by --fail-on
	exitUsage    = 2 // bad usage or unreadable input
)

const usage = `flowaudit: audit observed traffic against documented network requirements

Usage:
  flowaudit audit CAPTURE...                  audit captures against the documented requirements
  flowaudit live --iface IF [--iface IF2...]  audit live traffic (eBPF or AF_PACKET engine)
  flowaudit catalog list                      services, requirement counts, source documents
  flowaudit catalog show SERVICE              a service's requirements as a table
  flowaudit catalog validate FILE...          check catalog files strictly
  flowaudit catalog export --format json|yaml the effective requirements

Audit flags: --format text|json|markdown, -o FILE, --fail-on blocked,unexpected,undocumented-port,exposure

Catalog flags (everywhere):
  --catalog FILE   add a user catalog (repeatable)
  --no-builtin     leave out the built-in catalogs
  --site FILE      bind the catalogs to a network (site file)

Run 'flowaudit COMMAND --help' for a command's flags.
`

// usageError is bad usage: exit status 2, with a hint.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError carries an exit status with an optional message already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "flowaudit: %s\n", ue.msg)
		fmt.Fprintln(stderr, "Run 'flowaudit --help' for usage.")
		return exitUsage
	default:
		fmt.Fprintf(stderr, "flowaudit: %v\n", err)
		return exitUsage
	}
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{exitUsage}
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "catalog":
		return catalogCmd(args[1:], stdout, stderr)
	case "audit":
		return auditCmd(args[1:], stdout, stderr)
	case "live":
		return liveCmd(args[1:], stdout, stderr)
	}
	return usagef("unknown command %q", args[0])
}
