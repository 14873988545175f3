// Package report turns classified flows into what an auditor reads: a
// summary, findings grouped and ordered by severity, the status of every
// documented requirement, and the diff between documented and observed
// traffic; as text, JSON or Markdown.
package report

import "time"

// Report is the result of an audit. Its JSON form is a contract: fields
// may be added, not renamed.
type Report struct {
	Capture      Capture             `json:"capture"`
	Summary      Summary             `json:"summary"`
	Flows        []FlowGroup         `json:"flows"`
	Requirements []RequirementStatus `json:"requirements"`
	Diff         Diff                `json:"diff"`
	Site         Site                `json:"site"`

	// pending holds the flow groups until they are spelled out in Flows
	// (Collector.BuildDeferred).
	pending *pendingFlows
}

// Capture says what was read.
type Capture struct {
	Files       []string  `json:"files"`
	Packets     uint64    `json:"packets"`
	Bytes       uint64    `json:"bytes"`
	Malformed   uint64    `json:"malformed"`  // packets whose headers contradict themselves, and damaged records
	Skipped     uint64    `json:"skipped"`    // not IP, or a link type flowaudit does not decode
	Truncated   uint64    `json:"truncated"`  // cut before the transport header by the snap length
	Duplicates  uint64    `json:"duplicates"` // the same packet captured on a second interface, counted once
	First       time.Time `json:"first"`
	Last        time.Time `json:"last"`
	Problems    []string  `json:"problems,omitempty"` // damage found in the inputs, each naming file and place
	Connections uint64    `json:"connections"`
	Evicted     uint64    `json:"evicted"`        // flows ended early because the flow table was full
	Loss        *Loss     `json:"loss,omitempty"` // live auditing: the engine, what it saw and what it lost
}

// Loss is what a live engine saw and could not see. Loss is never silent:
// frames lost between the kernel and flowaudit, flows the kernel's flow
// map could not hold, and attach problems are counted here, and the
// connections whose verdict may be wrong because of them are marked.
type Loss struct {
	Engine      string   `json:"engine"`                  // ebpf or afpacket
	Mode        string   `json:"mode"`                    // tcx, clsact or tpacket_v3
	Interfaces  []string `json:"interfaces"`              // captured
	Packets     uint64   `json:"packets"`                 // seen by the kernel side
	Delivered   uint64   `json:"delivered"`               // frames handed to flowaudit
	Dropped     uint64   `json:"dropped"`                 // frames lost on the way: ring buffer full, socket drops
	FlowMapLost uint64   `json:"flow_map_lost,omitempty"` // flows the kernel's flow map evicted or could not hold
	Errors      []string `json:"errors,omitempty"`        // attach problems, fallbacks
	// Suspect counts connections whose verdict may be wrong because data of
	// theirs was lost (an S0 whose SYN-ACK may have been dropped); the first
	// of them are listed.
	Suspect      uint64   `json:"suspect"`
	SuspectFlows []string `json:"suspect_flows,omitempty"`
}

// Summary counts connections per verdict and requirements per status.
type Summary struct {
	Connections        uint64            `json:"connections"`
	Verdicts           map[string]uint64 `json:"verdicts"`
	DocumentedBlocked  uint64            `json:"documented_blocked"` // blocked attempts at documented flows: the most important finding
	RequirementsStatus map[string]int    `json:"requirements_status"`
	Findings           int               `json:"findings"` // flow groups that are not plainly documented
	// Grouping is empty when every group has one destination; "per-port"
	// when the capture held more than 50,000 distinct groups (a scan) and
	// groups are per source, port, verdict and requirement (destination
	// "*"); "per-source" when those were over 10,000 too (port 0).
	Grouping string `json:"grouping,omitempty"`
}

// FlowGroup stands for Count connections with the same finding: the same
// source (its role when the site binds one, else its address), destination
// (its name when one is known, else its address), protocol, port, verdict
// and requirement.
type FlowGroup struct {
	Src          string      `json:"src"` // the first connection's source address
	Dst          string      `json:"dst"` // the first connection's destination address
	SrcRole      string      `json:"src_role,omitempty"`
	DstName      string      `json:"dst_name,omitempty"`
	Sources      int         `json:"sources"`      // distinct source addresses (counted up to 1000)
	Destinations int         `json:"destinations"` // distinct destination addresses (counted up to 1000)
	SrcPort      uint16      `json:"src_port"`     // of the first connection of the group
	DstPort      uint16      `json:"dst_port"`
	Proto        string      `json:"proto"`
	ConnState    string      `json:"conn_state"` // the most common one; all of them in conn_states
	ConnStates   StateCounts `json:"conn_states"`
	History      string      `json:"history"` // of the first connection of the group
	Names        []Name      `json:"names"`
	Verdict      string      `json:"verdict"`
	Requirement  string      `json:"requirement,omitempty"`
	Service      string      `json:"service,omitempty"`
	Reason       string      `json:"reason,omitempty"` // why blocked
	SrcRoles     []string    `json:"src_roles,omitempty"`
	DstRoles     []string    `json:"dst_roles,omitempty"`
	Answered     bool        `json:"answered"`          // some connection of the group got an answer
	Assumed      bool        `json:"assumed,omitempty"` // the requirement matched a role the site does not bind (assumed from its zone)
	Midstream    bool        `json:"midstream,omitempty"`
	Packets      uint64      `json:"packets"`
	Bytes        uint64      `json:"bytes"`
	OrigPackets  uint64      `json:"orig_packets"` // from the originator
	RespPackets  uint64      `json:"resp_packets"`
	OrigBytes    uint64      `json:"orig_bytes"` // IP bytes
	RespBytes    uint64      `json:"resp_bytes"`
	ICMPError    string      `json:"icmp_error,omitempty"` // an ICMP error about a connection of the group, if any
	FirstSeen    time.Time   `json:"first_seen"`
	LastSeen     time.Time   `json:"last_seen"`
	Count        uint64      `json:"count"`
}

// Name is a name of a destination and where it was learned (dns, sni,
// http-host, connect).
type Name struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

// RequirementStatus is what the capture shows of one documented requirement.
type RequirementStatus struct {
	ID       string    `json:"id"`
	Service  string    `json:"service"`
	Section  string    `json:"section"`
	Summary  string    `json:"summary"`
	Proto    string    `json:"proto"`
	Ports    string    `json:"ports"`
	Flags    []string  `json:"flags,omitempty"`
	Status   string    `json:"status"` // observed, blocked, partly-blocked, not-observed
	Flows    uint64    `json:"flows"`  // connections that satisfied it
	Blocked  uint64    `json:"blocked"`
	Examples []FlowRef `json:"examples,omitempty"`
}

// FlowRef names one example connection.
type FlowRef struct {
	Src       string    `json:"src"`
	Dst       string    `json:"dst"`
	DstPort   uint16    `json:"dst_port"`
	Proto     string    `json:"proto"`
	ConnState string    `json:"conn_state"`
	Time      time.Time `json:"time"`
}

// Diff compares documented and observed traffic.
type Diff struct {
	DocumentedSeen      []string `json:"documented_seen"`       // requirement ids observed working
	DocumentedFailing   []string `json:"documented_failing"`    // requirement ids with blocked attempts
	DocumentedNeverSeen []string `json:"documented_never_seen"` // requirement ids with no traffic
	SeenUndocumented    []int    `json:"seen_undocumented"`     // indexes into flows: undocumented-port and unexpected groups
}

// Site says how the catalog was bound to the network.
type Site struct {
	File         string   `json:"file,omitempty"`
	Internal     []string `json:"internal"`
	Services     []string `json:"services"`
	AssumedRoles bool     `json:"assumed_roles"` // some roles have no addresses: matched by zone
	UnboundRoles int      `json:"unbound_roles"`
}
