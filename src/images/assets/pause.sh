#!/bin/sh
# pause without a C compiler: sleep forever as PID 1, exit 0 on SIGTERM/SIGINT. ash's wait
# also reaps children re-parented to it.
trap 'kill "$s" 2>/dev/null; exit 0' TERM INT
while :; do
  sleep 2147483647 &
  s=$!
  wait "$s"
done
