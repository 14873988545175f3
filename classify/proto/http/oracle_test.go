package http

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	nethttp "net/http"
	"strings"
)

// stdlibCheck parses the head with net/http.ReadRequest and compares what
// both found: method, target, and the host (net/http's Request.Host is the
// absolute-form target's authority or the Host header, port included).
//
// Content-Length and Transfer-Encoding are renamed first: net/http rejects
// requests for their values (body framing), which Request does not read.
func stdlibCheck(stream []byte, r Req) error {
	head := bytes.Clone(stream[:r.HeaderEnd])
	lines := bytes.SplitAfter(head, []byte("\n"))
	for i, l := range lines {
		if i > 0 && (hasPrefixFold(l, "content-length:") || hasPrefixFold(l, "transfer-encoding:")) {
			lines[i] = append([]byte("X-"), l...)
		}
	}
	req, err := nethttp.ReadRequest(bufio.NewReader(bytes.NewReader(bytes.Join(lines, nil))))
	if err != nil {
		return fmt.Errorf("net/http: %v", err)
	}
	if req.Method != string(r.Method) || req.RequestURI != string(r.Target) {
		return fmt.Errorf("%s %s, net/http %s %s", r.Method, r.Target, req.Method, req.RequestURI)
	}
	host := req.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if req.Method == "CONNECT" {
		// net/http takes a CONNECT's authority as its Host.
		if host != string(r.ConnectHost) {
			return fmt.Errorf("CONNECT %q, net/http %q", r.ConnectHost, host)
		}
	} else if host != string(r.Host) {
		return fmt.Errorf("host %q, net/http %q", r.Host, host)
	}
	return nil
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}
