#!/usr/bin/env python3
"""How long the server takes to write one publication to all its subscribers, from a packet capture.

Capture the loopback while the shared generator runs at a fixed rate, keeping the first 200 bytes of each
data-carrying segment (enough for a publish request's first line and a push frame's "t" stamp):

    tcpdump -i lo -s 200 -B 65536 -w /tmp/fanout.pcap "tcp port 8000 and (tcp[tcpflags] & tcp-push != 0)"
    python3 loadtest/diagnostics/fanout-span.py /tmp/fanout.pcap 8000

For each publication it takes the last `POST` to the server's port before the publication's first outgoing frame
(the body is past the 200 bytes, so requests are matched by order) and the capture times of all outgoing segments
that carry its stamp, and prints quantiles over the publications of: the generator's stamp to the request on the
wire, and the request to the first, median, 99th-percentile and last write. Publications with fewer than 90 % of the
most frequent write count are left out (cut off by the capture's start or end).
"""
import bisect
import collections
import re
import struct
import sys

STAMP = re.compile(rb'"t":(\d+)')


def packets(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        if magic not in (0xA1B2C3D4, 0xA1B23C4D):
            sys.exit("not a little-endian pcap file (tcpdump -w writes one)")
        scale = 1e9 if magic == 0xA1B23C4D else 1e6
        link = struct.unpack("<I", header[20:24])[0]
        link_header = {1: 14, 113: 16}.get(link)
        if link_header is None:
            sys.exit(f"link type {link} not handled (capture on lo or an Ethernet interface)")
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            seconds, fraction, captured, _ = struct.unpack("<IIII", record)
            data = f.read(captured)
            ip = data[link_header:]
            if not ip or ip[0] >> 4 != 4:
                continue
            ihl = (ip[0] & 15) * 4
            sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
            payload = ip[ihl + (ip[ihl + 12] >> 4) * 4:]
            yield seconds + fraction / scale, sport, dport, payload


def quantile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1)))]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, port = sys.argv[1], int(sys.argv[2])
    posts, writes = [], collections.defaultdict(list)
    for at, sport, dport, payload in packets(path):
        if dport == port and payload.startswith(b"POST"):
            posts.append(at)
        elif sport == port:
            m = STAMP.search(payload)
            if m:
                writes[int(m.group(1))].append(at)
    if not writes:
        sys.exit("no outgoing frame with a stamp: wrong port, or the capture missed the run")
    posts.sort()
    full = collections.Counter(len(w) for w in writes.values()).most_common(1)[0][0]
    rows = []
    for stamp, at in writes.items():
        if len(at) < 0.9 * full:
            continue
        at.sort()
        i = bisect.bisect_right(posts, at[0]) - 1
        if i < 0:
            continue
        post = posts[i]
        rows.append(((post - stamp / 1000) * 1000, (at[0] - post) * 1000, (quantile(at, .5) - post) * 1000,
                     (quantile(at, .99) - post) * 1000, (at[-1] - post) * 1000))
    print(f"{len(rows)} publications, {full} writes each")
    names = ("generator stamp -> request on the wire", "request -> first write", "request -> median write",
             "request -> 99th-percentile write", "request -> last write")
    for i, name in enumerate(names):
        col = [r[i] for r in rows]
        print(f"{name:40s} p50 {quantile(col, .5):7.2f}  p90 {quantile(col, .9):7.2f}  p99 {quantile(col, .99):7.2f}"
              f"  max {max(col):7.2f} ms")


if __name__ == "__main__":
    main()
