#!/bin/sh
# The httpd image's command: busybox httpd serving the Apache docroot on :80. As PID 1,
# httpd would ignore SIGTERM; this shell stops it so pods terminate at once.
httpd -f -v -p 80 -h /usr/local/apache2/htdocs &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT
wait "$pid"
