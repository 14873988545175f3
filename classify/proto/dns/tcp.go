package dns

// SplitTCP takes the first DNS message off a DNS-over-TCP byte stream, where
// each message is preceded by its length as 2 bytes (RFC 1035 4.2.2).
//
// With ok, msg is that message (without the prefix) and rest the stream
// after it; both alias stream. Without ok the stream does not yet hold a
// whole message: rest is stream unchanged, and the caller should keep it and
// append the next segment. msg has its capacity cut to its length, so
// appending to it cannot overwrite rest.
func SplitTCP(stream []byte) (msg []byte, rest []byte, ok bool) {
	if len(stream) < 2 {
		return nil, stream, false
	}
	end := 2 + (int(stream[0])<<8 | int(stream[1]))
	if len(stream) < end {
		return nil, stream, false
	}
	return stream[2:end:end], stream[end:], true
}

// TCPNeed returns how many bytes the stream must hold for SplitTCP to
// return its first message: 2 when even the length prefix is missing.
func TCPNeed(stream []byte) int {
	if len(stream) < 2 {
		return 2
	}
	return 2 + (int(stream[0])<<8 | int(stream[1]))
}
