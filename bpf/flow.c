//go:build ignore

// flowaudit's kernel side: a TCX (or tc clsact) program on the ingress and
// egress of each audited interface. It keeps per-flow packet and byte
// counters and TCP flag history in an LRU hash map, and hands user space,
// through a ring buffer, only the frames classification needs: the first
// packets of each flow, every SYN/FIN/RST, DNS, the first TCP payload
// segments of each direction (a ClientHello spanning several segments, an
// HTTP request, a CONNECT), the first UDP payloads (QUIC Initial), ICMP
// errors, and a keepalive frame now and then so that user space does not
// expire a flow that is busy in the kernel. The README section
// "Live auditing" describes the design.
//
// Every packet is read with bpf_skb_load_bytes: it works on non-linear
// skbs (GRO/GSO super-packets, paged data) and needs no data_end checks.

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char __license[] SEC("license") = "Dual MIT/GPL";

#define TC_ACT_UNSPEC (-1) /* TCX_NEXT: let the next program decide */

#define SNAP_MAX 4096 /* bytes of a frame a record holds at most */
#define SNAP_HDR 256  /* for records that only need the headers */

/* Tunables, set by user space before loading (volatile const: .rodata). */
volatile const __u32 cfg_first_pkts = 4;        /* first packets per direction of each flow */
volatile const __u32 cfg_payload_segs = 16;     /* TCP payload segments from the originator */
volatile const __u32 cfg_payload_bytes = 16384; /* TCP payload bytes from the originator */
volatile const __u32 cfg_resp_segs = 2;         /* TCP payload segments from the responder (DNS aside, names come from the originator) */
volatile const __u64 cfg_wakeup_bytes = 65536;  /* wake user space when this much waits in the ring */
volatile const __u64 cfg_keepalive_ns = 20000000000ULL;
volatile const __u32 cfg_snap = SNAP_MAX; /* bytes copied of a frame (<= SNAP_MAX) */

/* Why a record was sent (struct record.why). */
#define WHY_NEW 0x01
#define WHY_FIRST 0x02
#define WHY_CTRL 0x04 /* SYN, FIN or RST */
#define WHY_DNS 0x08
#define WHY_PAYLOAD 0x10
#define WHY_ICMPERR 0x20
#define WHY_KEEPALIVE 0x40
#define WHY_OTHER 0x80 /* not a flow the program tracks: fragment, unparsed */

/* Indexes of the per-CPU stats array. */
enum stat {
	STAT_PACKETS,      /* frames seen */
	STAT_BYTES,        /* their skb->len */
	STAT_RECORDS,      /* records written to the ring buffer */
	STAT_RING_FULL,    /* records lost: no room in the ring buffer */
	STAT_FLOWS,        /* flows inserted in the flow map */
	STAT_FLOW_FAIL,    /* flow map updates that failed */
	STAT_NOT_IP,       /* frames that are not IPv4/IPv6 */
	STAT_MALFORMED,    /* IP frames cut or contradicting themselves */
	STAT_FRAGMENTS,    /* non-first IP fragments */
	STAT_GSO,          /* GSO/GRO super-packets */
	STAT_LOAD_FAIL,    /* bpf_skb_load_bytes of a record failed */
	STAT_ICMP_ERRORS,  /* ICMP errors sent up */
	STAT_SEGMENTS,     /* packets on the wire, GSO segments counted */
	STAT_MAX,
};

struct flow_key {
	__u8 a[16]; /* the lower address (IPv4 as ::ffff:a.b.c.d) */
	__u8 b[16];
	__u16 a_port; /* host byte order; 0 for protocols without ports */
	__u16 b_port;
	__u32 ifindex;
	__u8 proto;
	__u8 pad[3];
};

struct flow_stats {
	__u64 first_ns; /* bpf_ktime_get_ns of the first packet */
	__u64 last_ns;
	__u64 last_sent_ns; /* of the last record sent */
	__u64 pkts[2];      /* [0]: from a to b, [1]: from b to a (GSO segments counted) */
	__u64 bytes[2];     /* IP bytes */
	__u32 records[2];   /* records sent */
	__u32 lost[2];      /* records the ring buffer had no room for */
	__u32 payload[2];   /* TCP payload bytes sent */
	__u16 segs[2];      /* TCP payload segments sent */
	__u8 flags[2];      /* TCP flags seen (OR) */
	__u8 orig;          /* the originator: 1 a, 2 b, 0 unknown (TCP without a SYN) */
	__u8 pad;
};

struct record {
	__u64 ts;      /* bpf_ktime_get_ns */
	__u32 ifindex;
	__u32 len;     /* skb->len: may exceed the MTU for GSO/GRO packets */
	__u32 segs;    /* GSO segments (1 when not GSO) */
	__u16 cap;     /* bytes of the frame in data */
	__u8 dir;      /* 0 ingress, 1 egress */
	__u8 why;      /* WHY_* bits */
	__u8 data[SNAP_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* One record under construction per CPU (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record);
} scratch SEC(".maps");

static __always_inline void stat_add(__u32 i, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &i);
	if (v)
		*v += n; /* per-CPU: no atomics needed */
}

/* What the parser found. */
struct pkt {
	__u8 src[16], dst[16];
	__u16 sport, dport;
	__u8 proto;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_err;  /* an ICMP error: quotes another flow's packet */
	__u8 nonfirst;  /* a non-first fragment: no transport header */
	__u8 has_l4;    /* the transport header was read */
	__u32 l3;       /* offset of the IP header */
	__u32 l4;       /* offset of the transport header */
	__u32 iplen;    /* IP total length per the header (0: unknown, use skb->len) */
	__u32 l4hdr;    /* transport header length */
};

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_QINQ 0x9100
#define ETH_P_MPLS_UC 0x8847
#define ETH_P_MPLS_MC 0x8848
#define ETH_P_PPP_SES 0x8864
#define ETH_P_PPP 0x880B
#define MPLS_MAX_LABELS 8

/* parse returns 1 for an IP packet with its flow found, 0 for not IP, -1
 * for an IP packet cut short or inconsistent. */
static __always_inline int parse(struct __sk_buff *skb, struct pkt *p)
{
	__u8 b[40];
	__u32 off = 12;
	__u16 proto;

	if (bpf_skb_load_bytes(skb, off, b, 2) < 0)
		return 0;
	proto = (b[0] << 8) | b[1];
	off = 14;
	/* VLAN tags in the frame (offloaded tags are in skb->vlan_tci, not here). */
	for (int i = 0; i < 3; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD && proto != ETH_P_QINQ)
			break;
		if (bpf_skb_load_bytes(skb, off + 2, b, 2) < 0)
			return 0;
		proto = (b[0] << 8) | b[1];
		off += 4;
	}
	/* A PPPoE session frame (RFC 2516: six bytes of PPPoE, code 0) or a
	 * bare one, then PPP: the HDLC address and control bytes when present,
	 * and a protocol of one byte (compressed: its low bit set) or two, as
	 * user space's decoder reads it. */
	if (proto == ETH_P_PPP_SES || proto == ETH_P_PPP) {
		if (proto == ETH_P_PPP_SES) {
			if (bpf_skb_load_bytes(skb, off, b, 2) < 0)
				return -1;
			if (b[1] != 0)
				return 0;
			off += 6;
		}
		if (bpf_skb_load_bytes(skb, off, b, 4) < 0)
			return -1;
		__u32 i = 0;
		__u16 pp;
		if (b[0] == 0xff && b[1] == 0x03)
			i = 2;
		if (b[i] & 1) {
			pp = b[i];
			off += i + 1;
		} else {
			pp = (b[i] << 8) | b[i + 1];
			off += i + 2;
		}
		if (pp == 0x0021)
			proto = ETH_P_IP;
		else if (pp == 0x0057)
			proto = ETH_P_IPV6;
		else if (pp == 0x0281 || pp == 0x0283)
			proto = ETH_P_MPLS_UC;
		else
			return 0;
	}
	/* An MPLS label stack: four bytes a label, the last with the
	 * bottom-of-stack bit. It does not say what it carries: IP is told by
	 * its first byte, as user space's decoder (classify/packet) does. A
	 * deeper stack than this walks goes up as cut short, for user space to
	 * decode. */
	if (proto == ETH_P_MPLS_UC || proto == ETH_P_MPLS_MC) {
		int bottom = 0;
		for (int i = 0; i < MPLS_MAX_LABELS; i++) {
			if (bpf_skb_load_bytes(skb, off, b, 4) < 0)
				return -1;
			off += 4;
			if (b[2] & 1) {
				bottom = 1;
				break;
			}
		}
		if (!bottom)
			return -1;
		if (bpf_skb_load_bytes(skb, off, b, 1) < 0)
			return -1;
		if (b[0] >= 0x45 && b[0] <= 0x4f)
			proto = ETH_P_IP;
		else if ((b[0] >> 4) == 6)
			proto = ETH_P_IPV6;
		else
			return 0;
	}
	p->l3 = off;
	if (proto == ETH_P_IP) {
		if (bpf_skb_load_bytes(skb, off, b, 20) < 0)
			return -1;
		if ((b[0] >> 4) != 4)
			return -1;
		__u32 ihl = (b[0] & 0xf) * 4;
		if (ihl < 20)
			return -1;
		p->iplen = (b[2] << 8) | b[3];
		__u16 frag = (b[6] << 8) | b[7];
		p->proto = b[9];
		__builtin_memset(p->src, 0, 10);
		__builtin_memset(p->dst, 0, 10);
		p->src[10] = p->src[11] = p->dst[10] = p->dst[11] = 0xff;
		__builtin_memcpy(&p->src[12], &b[12], 4);
		__builtin_memcpy(&p->dst[12], &b[16], 4);
		if (frag & 0x1fff)
			p->nonfirst = 1;
		off += ihl;
	} else if (proto == ETH_P_IPV6) {
		if (bpf_skb_load_bytes(skb, off, b, 40) < 0)
			return -1;
		if ((b[0] >> 4) != 6)
			return -1;
		__u32 plen = (b[4] << 8) | b[5];
		p->iplen = plen ? plen + 40 : 0; /* 0: a jumbogram (BIG TCP) */
		__u8 nh = b[6];
		__builtin_memcpy(p->src, &b[8], 16);
		__builtin_memcpy(p->dst, &b[24], 16);
		off += 40;
		/* Extension headers: hop-by-hop, routing, fragment, destination
		 * options, authentication. */
		for (int i = 0; i < 8; i++) {
			if (nh == 0 || nh == 43 || nh == 60) {
				if (bpf_skb_load_bytes(skb, off, b, 2) < 0)
					return -1;
				nh = b[0];
				off += (b[1] + 1) * 8;
			} else if (nh == 44) {
				if (bpf_skb_load_bytes(skb, off, b, 8) < 0)
					return -1;
				nh = b[0];
				if (((b[2] << 8) | b[3]) & 0xfff8)
					p->nonfirst = 1;
				off += 8;
			} else if (nh == 51) {
				if (bpf_skb_load_bytes(skb, off, b, 2) < 0)
					return -1;
				nh = b[0];
				off += (b[1] + 2) * 4;
			} else {
				break;
			}
		}
		p->proto = nh;
	} else {
		return 0;
	}
	p->l4 = off;
	if (p->nonfirst)
		return 1;
	switch (p->proto) {
	case 6: /* TCP */
		if (bpf_skb_load_bytes(skb, off, b, 20) < 0)
			return -1;
		p->sport = (b[0] << 8) | b[1];
		p->dport = (b[2] << 8) | b[3];
		p->tcp_flags = b[13];
		p->l4hdr = (b[12] >> 4) * 4;
		if (p->l4hdr < 20)
			return -1;
		p->has_l4 = 1;
		break;
	case 17:  /* UDP */
	case 136: /* UDP-Lite */
	case 132: /* SCTP */
	case 33:  /* DCCP */
		if (bpf_skb_load_bytes(skb, off, b, 8) < 0)
			return -1;
		p->sport = (b[0] << 8) | b[1];
		p->dport = (b[2] << 8) | b[3];
		p->l4hdr = 8;
		p->has_l4 = 1;
		break;
	case 1:  /* ICMP */
	case 58: /* ICMPv6 */
		if (bpf_skb_load_bytes(skb, off, b, 8) < 0)
			return -1;
		p->icmp_type = b[0];
		p->l4hdr = 8;
		p->has_l4 = 1;
		if (p->proto == 1)
			p->icmp_err = b[0] == 3 || b[0] == 4 || b[0] == 5 || b[0] == 11 || b[0] == 12;
		else
			p->icmp_err = b[0] >= 1 && b[0] <= 4;
		break;
	}
	return 1;
}

/* addr_cmp compares two addresses in network byte order. */
static __always_inline int addr_cmp(const __u8 *x, const __u8 *y)
{
	__u64 x0, x1, y0, y1;
	__builtin_memcpy(&x0, x, 8);
	__builtin_memcpy(&x1, x + 8, 8);
	__builtin_memcpy(&y0, y, 8);
	__builtin_memcpy(&y1, y + 8, 8);
	x0 = bpf_be64_to_cpu(x0);
	y0 = bpf_be64_to_cpu(y0);
	if (x0 != y0)
		return x0 < y0 ? -1 : 1;
	x1 = bpf_be64_to_cpu(x1);
	y1 = bpf_be64_to_cpu(y1);
	if (x1 != y1)
		return x1 < y1 ? -1 : 1;
	return 0;
}

/* emit copies the first snap bytes of the frame into a record. */
static __always_inline int emit(struct __sk_buff *skb, __u8 dir, __u8 why, __u32 snap, __u32 segs, __u64 now)
{
	__u32 zero = 0;
	struct record *r = bpf_map_lookup_elem(&scratch, &zero);
	if (!r)
		return -1;
	__u32 cap = skb->len;
	if (cap > snap)
		cap = snap;
	if (cap > cfg_snap)
		cap = cfg_snap;
	if (cap > SNAP_MAX)
		cap = SNAP_MAX;
	if (cap < 14)
		return -1;
	r->ts = now;
	r->ifindex = skb->ifindex;
	r->len = skb->len;
	r->segs = segs;
	r->cap = cap;
	r->dir = dir;
	r->why = why;
	if (bpf_skb_load_bytes(skb, 0, r->data, cap) < 0) {
		stat_add(STAT_LOAD_FAIL, 1);
		return -1;
	}
	/* Wake the reader only when enough waits: it also polls every 100 ms. */
	__u64 wake = bpf_ringbuf_query(&ring, BPF_RB_AVAIL_DATA) >= cfg_wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&ring, r, offsetof(struct record, data) + cap, wake) < 0) {
		stat_add(STAT_RING_FULL, 1);
		return -2;
	}
	stat_add(STAT_RECORDS, 1);
	return 0;
}

static __always_inline int handle(struct __sk_buff *skb, __u8 dir)
{
	struct pkt p = {};
	__u64 now = bpf_ktime_get_ns();
	__u32 segs = skb->gso_segs;
	if (segs == 0)
		segs = 1;

	stat_add(STAT_PACKETS, 1);
	stat_add(STAT_BYTES, skb->len);
	stat_add(STAT_SEGMENTS, segs);
	if (segs > 1)
		stat_add(STAT_GSO, 1);

	int ok = parse(skb, &p);
	if (ok == 0) {
		stat_add(STAT_NOT_IP, 1);
		return TC_ACT_UNSPEC;
	}
	if (ok < 0) {
		stat_add(STAT_MALFORMED, 1);
		emit(skb, dir, WHY_OTHER, SNAP_HDR, segs, now);
		return TC_ACT_UNSPEC;
	}
	if (p.nonfirst) {
		stat_add(STAT_FRAGMENTS, 1);
		emit(skb, dir, WHY_OTHER, SNAP_HDR, segs, now);
		return TC_ACT_UNSPEC;
	}
	if (p.icmp_err) {
		stat_add(STAT_ICMP_ERRORS, 1);
		emit(skb, dir, WHY_ICMPERR, SNAP_HDR, segs, now);
		return TC_ACT_UNSPEC;
	}

	/* The flow, in canonical order: the lower address (then port) is a. */
	struct flow_key k = {};
	int d; /* 0: this packet goes from a to b */
	int c = addr_cmp(p.src, p.dst);
	if (c < 0 || (c == 0 && p.sport <= p.dport)) {
		d = 0;
		__builtin_memcpy(k.a, p.src, 16);
		__builtin_memcpy(k.b, p.dst, 16);
		k.a_port = p.sport;
		k.b_port = p.dport;
	} else {
		d = 1;
		__builtin_memcpy(k.a, p.dst, 16);
		__builtin_memcpy(k.b, p.src, 16);
		k.a_port = p.dport;
		k.b_port = p.sport;
	}
	k.ifindex = skb->ifindex;
	k.proto = p.proto;

	/* IP bytes: the header's length, or for a GSO/GRO super-packet (or an
	 * IPv6 jumbogram) what its segments carry on the wire, each with its
	 * own headers. */
	__u32 iplen = skb->len - p.l3;
	__u32 hdrs = p.l4 - p.l3 + p.l4hdr;
	__u64 bytes = p.iplen;
	if (segs > 1 || p.iplen == 0)
		bytes = iplen + (__u64)(segs - 1) * hdrs;
	__u32 paylen = 0;
	if (p.has_l4) {
		__u32 end = (segs > 1 || p.iplen == 0) ? skb->len : p.l3 + p.iplen;
		if (end > p.l4 + p.l4hdr)
			paylen = end - p.l4 - p.l4hdr;
	}

	__u8 why = 0;
	struct flow_stats *fs = bpf_map_lookup_elem(&flows, &k);
	if (!fs) {
		struct flow_stats init = {};
		init.first_ns = now;
		/* The sender of the first packet started the flow, unless it is a
		 * SYN-ACK; TCP without SYN: unknown (midstream). */
		if (p.proto != 6 || (p.tcp_flags & 0x12) == 0x02)
			init.orig = d + 1;
		else if ((p.tcp_flags & 0x12) == 0x12)
			init.orig = 2 - d;
		long err = bpf_map_update_elem(&flows, &k, &init, BPF_NOEXIST);
		if (err == 0) {
			stat_add(STAT_FLOWS, 1);
			why |= WHY_NEW;
		} else if (err != -17 /* EEXIST: another CPU was first */) {
			stat_add(STAT_FLOW_FAIL, 1);
		}
		fs = bpf_map_lookup_elem(&flows, &k);
	}
	__u64 pkts = 0;
	if (fs) {
		pkts = __sync_fetch_and_add(&fs->pkts[d & 1], segs) + segs;
		__sync_fetch_and_add(&fs->bytes[d & 1], bytes);
		fs->last_ns = now;
		fs->flags[d & 1] |= p.tcp_flags;
	}

	__u32 snap = SNAP_MAX;
	if (!fs || pkts <= cfg_first_pkts)
		why |= WHY_FIRST;
	if (p.proto == 6 && (p.tcp_flags & 0x07)) /* FIN, SYN, RST */
		why |= WHY_CTRL;
	if ((p.proto == 6 || p.proto == 17) && (p.sport == 53 || p.dport == 53))
		why |= WHY_DNS;
	__u32 seg_budget = cfg_payload_segs;
	if (fs && fs->orig && fs->orig != d + 1)
		seg_budget = cfg_resp_segs;
	if (fs && p.proto == 6 && paylen > 0 && fs->segs[d & 1] < seg_budget && fs->payload[d & 1] < cfg_payload_bytes) {
		why |= WHY_PAYLOAD;
		fs->segs[d & 1] += 1;
		fs->payload[d & 1] += paylen;
	}
	if (why == WHY_CTRL)
		snap = SNAP_HDR; /* a FIN or RST past the payload budget: headers are enough */
	if (!why && fs && now - fs->last_sent_ns > cfg_keepalive_ns) {
		why = WHY_KEEPALIVE;
		snap = SNAP_HDR;
	}
	if (!why)
		return TC_ACT_UNSPEC;

	int err = emit(skb, dir, why, snap, segs, now);
	if (fs) {
		if (err == 0) {
			fs->records[d & 1] += 1;
			fs->last_sent_ns = now;
		} else if (err == -2) {
			fs->lost[d & 1] += 1;
		}
	}
	return TC_ACT_UNSPEC;
}

SEC("tc")
int flowaudit_ingress(struct __sk_buff *skb)
{
	return handle(skb, 0);
}

SEC("tc")
int flowaudit_egress(struct __sk_buff *skb)
{
	return handle(skb, 1);
}
