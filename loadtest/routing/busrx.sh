#!/usr/bin/env bash
# Prints the bytes received so far on each given Vert.x event-bus server port: [n1,n2,n3]
out=""; for port in $BUS_PORTS; do n=$(ss -tin state established "( sport = :$port )" 2>/dev/null | grep -o 'bytes_received:[0-9]*' | cut -d: -f2 | awk '{s+=$1} END {print s+0}'); out="$out${out:+,}$n"; done; echo "[$out]"
