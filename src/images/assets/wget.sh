#!/bin/sh
# Debian's busybox 1.35 wget dies of SIGSEGV whenever -T (timeout) is given; this runs it
# under `timeout` instead and passes every other argument through.
t=
n=$#
while [ "$n" -gt 0 ]; do
  a=$1; shift; n=$((n - 1))
  case "$a" in
    -T) t=$1; shift; n=$((n - 1)); continue ;;
    -T*) t=${a#-T}; continue ;;
    --timeout=*) t=${a#*=}; continue ;;
  esac
  set -- "$@" "$a"
done
if [ -n "$t" ]; then exec timeout "$t" /bin/busybox wget "$@"; fi
exec /bin/busybox wget "$@"
