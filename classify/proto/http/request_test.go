package http

import (
	"strings"
	"testing"
)

func TestRequest(t *testing.T) {
	for _, c := range []struct {
		name, in                        string
		method, target, host, port      string
		connectHost, connectPort, trail string
	}{
		{name: "GET", in: "GET /index.html?q=1 HTTP/1.1\r\nUser-Agent: x\r\nHost: Www.Example.com\r\nAccept: */*\r\n\r\n",
			method: "GET", target: "/index.html?q=1", host: "Www.Example.com"},
		{name: "host port and OWS", in: "GET / HTTP/1.1\r\nhOST: \t example.com:8080 \r\n\r\nbody",
			method: "GET", target: "/", host: "example.com", port: "8080", trail: "body"},
		{name: "v6 host", in: "GET / HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n\r\n",
			method: "GET", target: "/", host: "2001:db8::1", port: "8443"},
		{name: "v6 host without port", in: "HEAD / HTTP/1.0\r\nHost: [::1]\r\n\r\n",
			method: "HEAD", target: "/", host: "::1"},
		{name: "CONNECT", in: "CONNECT login.microsoftonline.com:443 HTTP/1.1\r\nHost: login.microsoftonline.com:443\r\nProxy-Connection: keep-alive\r\n\r\n\x16\x03\x01",
			method: "CONNECT", target: "login.microsoftonline.com:443", host: "login.microsoftonline.com", port: "443",
			connectHost: "login.microsoftonline.com", connectPort: "443", trail: "\x16\x03\x01"},
		{name: "CONNECT v6 no Host", in: "CONNECT [2001:db8::2]:443 HTTP/1.1\r\n\r\n",
			method: "CONNECT", target: "[2001:db8::2]:443", connectHost: "2001:db8::2", connectPort: "443"},
		{name: "absolute form overrides Host", in: "GET http://user@proxy.example:3128/x?y HTTP/1.1\r\nHost: other.example\r\n\r\n",
			method: "GET", target: "http://user@proxy.example:3128/x?y", host: "proxy.example", port: "3128"},
		{name: "bare LF, HTTP/1.0, no Host", in: "POST /submit HTTP/1.0\nContent-Length: 0\n\n",
			method: "POST", target: "/submit"},
		{name: "obs-fold ignored", in: "GET / HTTP/1.1\r\nX-Long: a\r\n  b\r\nHost: h\r\n\r\n",
			method: "GET", target: "/", host: "h"},
		{name: "Host-like names are not Host", in: "GET / HTTP/1.1\r\nHosts: a\r\nX-Host: b\r\nHost-Override: c\r\nHost: good\r\n\r\n",
			method: "GET", target: "/", host: "good"},
		{name: "OPTIONS *", in: "OPTIONS * HTTP/1.1\r\nHost: h:80\r\n\r\n",
			method: "OPTIONS", target: "*", host: "h", port: "80"},
	} {
		in := []byte(c.in)
		r, st := Request(in)
		if st != Found {
			t.Errorf("%s: %v", c.name, st)
			continue
		}
		got := []string{string(r.Method), string(r.Target), string(r.Host), string(r.Port), string(r.ConnectHost), string(r.ConnectPort), c.in[r.HeaderEnd:]}
		want := []string{c.method, c.target, c.host, c.port, c.connectHost, c.connectPort, c.trail}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, want)
		}
		for _, f := range [][]byte{r.Method, r.Target, r.Version, r.Host, r.Port, r.ConnectHost, r.ConnectPort} {
			if len(f) > 0 && !within(f, in) {
				t.Errorf("%s: %q not a sub-slice", c.name, f)
			}
		}
	}
}

// within reports whether b lies inside s (compared by address).
func within(b, s []byte) bool {
	for i := range s {
		if &s[i] == &b[0] {
			return i+len(b) <= len(s)
		}
	}
	return false
}

// TestSplit: every prefix of a request before its empty line is NeedMore,
// including cuts inside CRLF and inside the Host line.
func TestSplit(t *testing.T) {
	req := []byte("GET /download/CHANGES.txt HTTP/1.1\r\nHost: bro.org\r\nAccept: */*\r\n\r\n")
	for n := 0; n < len(req); n++ {
		if r, st := Request(req[:n]); st != NeedMore || r.Host != nil {
			t.Fatalf("prefix %d %q: %v", n, req[:n], st)
		}
	}
	// Delivered in two segments, cut in the middle of a header.
	stream := append([]byte(nil), req[:40]...)
	if _, st := Request(stream); st != NeedMore {
		t.Fatalf("first segment: %v", st)
	}
	stream = append(stream, req[40:]...)
	if r, st := Request(stream); st != Found || string(r.Host) != "bro.org" {
		t.Fatalf("both segments: %v %q", st, r.Host)
	}
}

func TestNotHTTP(t *testing.T) {
	for _, in := range []string{
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		"SSH-2.0-OpenSSH_9.6\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET /\r\n",               // HTTP/0.9
		"GET / HTTP/1.1 \r\n\r\n", // trailing space
		"GET  / HTTP/1.1\r\n\r\n",
		"GET / HTTP/2\r\n\r\n",
		"GET / http/1.1\r\n\r\n",
		" GET / HTTP/1.1\r\n\r\n",
		"GE\x00T / HTTP/1.1\r\n",
		"GET /a\x01b HTTP/1.1\r\n",
		strings.Repeat("A", 40) + " / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : h\r\n\r\n",           // space before colon
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", // two Host lines
		"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",      // folded Host
		"GET / HTTP/1.1\r\n X: a\r\nHost: a\r\n\r\n",   // fold before the first field
		"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a:port\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: 2001:db8::1\r\n\r\n", // IPv6 without brackets
		"GET / HTTP/1.1\r\nHost: [2001:db8::1\r\n\r\n",
		"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", // bare CR
		"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
		"GET http:///x HTTP/1.1\r\n\r\n",
		"CONNECT example.com HTTP/1.1\r\n\r\n", // no port
		"CONNECT example.com: HTTP/1.1\r\n\r\n",
		"CONNECT :443 HTTP/1.1\r\n\r\n",
	} {
		if r, st := Request([]byte(in)); st != NotHTTP || r.Method != nil {
			t.Errorf("%q: %v", in, st)
		}
	}
}

func TestLimit(t *testing.T) {
	head := "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: "
	pad := MaxHeader - len(head) - len("\r\n\r\n")
	exact := head + strings.Repeat("p", pad) + "\r\n\r\n"
	if r, st := Request([]byte(exact + "body")); st != Found || r.HeaderEnd != MaxHeader {
		t.Errorf("head of exactly MaxHeader: %v", st)
	}
	over := head + strings.Repeat("p", pad+1) + "\r\n\r\n"
	if _, st := Request([]byte(over)); st != NotHTTP {
		t.Errorf("head of MaxHeader+1: %v", st)
	}
	if _, st := Request([]byte(over[:MaxHeader-1])); st != NeedMore {
		t.Errorf("incomplete, below the limit: %v", st)
	}
	if _, st := Request([]byte(over[:MaxHeader])); st != NotHTTP {
		t.Errorf("incomplete at the limit: %v", st)
	}
}

func TestNoAllocs(t *testing.T) {
	req := []byte("GET /data/0783dedfb62fa709/msedge.b.tlu.dl.delivery.mp.microsoft.com HTTP/1.1\r\nConnection: Keep-Alive\r\nAccept: */*\r\nUser-Agent: Microsoft BITS/7.8\r\nHost: au.download.windowsupdate.com\r\n\r\n")
	conn := []byte("CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n")
	if a := testing.AllocsPerRun(1000, func() {
		Request(req)
		Request(conn)
		Request(req[:60])
	}); a != 0 {
		t.Errorf("%v allocations", a)
	}
}

func BenchmarkRequest(b *testing.B) {
	req := []byte("GET /wikipedia/commons/thumb/b/bb/Wikipedia_wordmark.svg/174px-Wikipedia_wordmark.svg.png HTTP/1.1\r\n" +
		"Host: upload.wikimedia.org\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
		"Accept: image/avif,image/webp,*/*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n" +
		"Referer: http://www.wikipedia.org/\r\nConnection: keep-alive\r\n\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(req)))
	for b.Loop() {
		if _, st := Request(req); st != Found {
			b.Fatal(st)
		}
	}
}
