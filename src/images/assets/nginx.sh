#!/bin/sh
# The nginx image's command (`nginx -g "daemon off;"`; arguments are ignored): busybox
# httpd serving nginx's docroot on :80, stopped at once on SIGTERM.
httpd -f -v -p 80 -h /usr/share/nginx/html &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT
wait "$pid"
