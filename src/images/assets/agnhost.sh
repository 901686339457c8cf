#!/bin/sh
# agnhost, Skiff's stand-in: the subcommands of kubernetes test/images/agnhost that the
# conformance tests use, in busybox sh, printing the lines upstream prints. HTTP servers are
# busybox `nc -ll -e`: every connection runs "/agnhost __http KIND" with the socket on
# stdin/stdout; logs go to stderr as Go's log package writes them.

set -f
SELF=${AGNHOST_SELF:-/agnhost}
CR=$(printf '\r')
NL='
'

log() { printf '%s %s\n' "$(date '+%Y/%m/%d %H:%M:%S')" "$*" >&2; }

# --- flags, as pflag takes them: --name=value, --name value, -name=value; bools alone -------
BOOL_FLAGS=' tcp udp http close break_on_expected_content json-response '
ARGS_REST=
parse_flags() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --) shift; break ;;
      -*=*) n=${1%%=*}; v=${1#*=} ;;
      -*)
        n=$1; v=
        case "$BOOL_FLAGS" in
          *" ${n#"${n%%[!-]*}"} "*) v=true ;;
          *) if [ $# -gt 1 ]; then shift; v=$1; fi ;;
        esac ;;
      *) ARGS_REST="$ARGS_REST $1"; shift; continue ;;
    esac
    n=${n#"${n%%[!-]*}"}
    n=$(printf '%s' "$n" | tr -c 'A-Za-z0-9_' '_')
    eval "F_$n=\$v"
    shift
  done
}

# --- HTTP: one request per connection ---------------------------------------------------
http_read_request() {
  IFS=' ' read -r REQ_METHOD REQ_TARGET REQ_PROTO || return 1
  REQ_TARGET=${REQ_TARGET%"$CR"}
  REQ_PROTO=${REQ_PROTO%"$CR"}
  # Not HTTP (e.g. `echo hostName | nc`): answer at once, as Go's server does.
  case "$REQ_PROTO" in
    HTTP/*) ;;
    *) printf 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request'; exit 0 ;;
  esac
  REQ_LENGTH=0
  while IFS= read -r line; do
    line=${line%"$CR"}
    [ -z "$line" ] && break
    case "$line" in [Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]:*) REQ_LENGTH=$(printf '%s' "${line#*:}" | tr -dc 0-9) ;; esac
  done
  http_set_target "$REQ_TARGET"
}

# The request body (Content-Length bytes of it).
http_body() { [ "${REQ_LENGTH:-0}" -gt 0 ] && head -c "$REQ_LENGTH"; }

http_set_target() {
  REQ_TARGET=$1
  REQ_PATH=${1%%\?*}
  case "$1" in *\?*) REQ_QUERY=${1#*\?} ;; *) REQ_QUERY= ;; esac
}

# query NAME: the first value of NAME in the query string, decoded (as Go's FormValue)
query() {
  _ifs=$IFS; IFS='&'
  for kv in $REQ_QUERY; do
    case "$kv" in
      "$1"=*) IFS=$_ifs; httpd -d "${kv#*=}"; return 0 ;;
      "$1") IFS=$_ifs; return 0 ;;
    esac
  done
  IFS=$_ifs
  return 1
}

reason() {
  case "$1" in
    200) echo OK ;; 201) echo Created ;; 204) echo 'No Content' ;;
    301) echo 'Moved Permanently' ;; 302) echo Found ;; 303) echo 'See Other' ;; 307) echo 'Temporary Redirect' ;; 308) echo 'Permanent Redirect' ;;
    400) echo 'Bad Request' ;; 404) echo 'Not Found' ;; 412) echo 'Precondition Failed' ;; 417) echo 'Expectation Failed' ;;
    500) echo 'Internal Server Error' ;; 503) echo 'Service Unavailable' ;;
    *) echo Status ;;
  esac
}

# respond CODE BODY [CONTENT-TYPE] [EXTRA-HEADER-LINES]
respond() {
  _len=$(printf '%s' "$2" | wc -c)
  printf 'HTTP/1.1 %s %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nDate: %s\r\nConnection: close\r\n%s\r\n%s' \
    "$1" "$(reason "$1")" "${3:-text/plain; charset=utf-8}" "$_len" "$(date -u '+%a, %d %b %Y %H:%M:%S GMT')" "$4" "$2"
}

header() { printf '%s: %s%s%s' "$1" "$2" "$CR" "$NL"; }

# The peer of the connection on stdin: from nc (NC_REMOTE), else from the socket's inode
# in /proc/net/tcp{,6}.
remote_addr() {
  [ -n "$NC_REMOTE" ] && { echo "$NC_REMOTE"; return; }
  ino=$(readlink "/proc/$$/fd/0" 2>/dev/null)
  ino=${ino#socket:\[}; ino=${ino%\]}
  rem=$(awk -v ino="$ino" '$10 == ino { print $3; exit }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  [ -n "$rem" ] || { echo unknown; return; }
  hex=${rem%:*}; port=$((0x${rem#*:}))
  case "$hex" in ????????????????????????????????) hex=${hex#????????????????????????} ;; esac
  if [ ${#hex} -eq 8 ]; then
    echo "$((0x${hex#??????})).$((0x$(echo "$hex" | cut -c5-6))).$((0x$(echo "$hex" | cut -c3-4))).$((0x${hex%??????})):$port"
  else
    echo "unknown:$port"
  fi
}

# A JSON string literal, escaped as Go's encoding/json does (HTML-safe).
json_str() {
  printf '%s' "$1" | awk 'BEGIN { RS = "\001"; ORS = "" }
    { s = $0; gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\n/, "\\n", s); gsub(/\r/, "\\r", s); gsub(/\t/, "\\t", s)
      gsub(/</, "\\u003c", s); gsub(/>/, "\\u003e", s); gsub(/&/, "\\u0026", s); out = out s }
    END { printf "\"%s\"", out }'
}

# serve PORT KIND [ARGS...]: a forking HTTP server in the background ($SERVER_PIDS)
SERVER_PIDS=
serve() {
  _port=$1; shift
  export AGNHOST_MAIN=$$
  nc -ll -p "$_port" -e "$SELF" __http "$@" &
  SERVER_PIDS="$SERVER_PIDS $!"
}

# serve_udp PORT KIND [ARGS...]: every datagram runs "/agnhost __udp KIND" (nettools' nc).
serve_udp() {
  _port=$1; shift
  export AGNHOST_MAIN=$$
  nc -lku -p "$_port" -e "$SELF" __udp "$@" &
  SERVER_PIDS="$SERVER_PIDS $!"
}

# Whether this image's nc can serve UDP (nettools' nc; busybox's cannot).
nc_udp() { nc 2>&1 | grep -q -- '-u] -p PORT'; }

stop_servers() { for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done; }

# Blocks until the first server dies (e.g. its port was taken) or a trap ends the script.
wait_servers() {
  set -- $SERVER_PIDS
  while kill -0 "$1" 2>/dev/null; do wait "$1"; done
  log "server exited"
  stop_servers
  exit 1
}

# Lets a handler end the whole program with an exit code (/exit, /shutdown).
exit_file() { echo "${TMPDIR:-/tmp}/.agnhost-exit-$AGNHOST_MAIN"; }
request_exit() {
  [ -n "$AGNHOST_MAIN" ] || exit 1
  echo "$1" > "$(exit_file)" 2>/dev/null
  kill -USR1 "$AGNHOST_MAIN"
}
on_exit_request() {
  code=$(cat "$(exit_file)" 2>/dev/null); rm -f "$(exit_file)"
  stop_servers
  exit "${code:-0}"
}

run_servers() {
  trap on_exit_request USR1
  trap 'stop_servers; exit 2' TERM INT
  wait_servers
}

# --- subcommands --------------------------------------------------------------------------
cmd_pause() {
  echo Paused
  trap 'kill "$SLEEPER" 2>/dev/null; exit 1' INT
  trap 'kill "$SLEEPER" 2>/dev/null; exit 2' TERM
  while :; do sleep 3600 & SLEEPER=$!; wait "$SLEEPER"; done
}

cmd_netexec() {
  parse_flags "$@"
  port=${F_http_port:-8080}
  export NETEXEC_OVERRIDE=${F_http_override-}
  [ -n "${F_tls_cert_file-}" ] && log "HTTPS is not supported by this stand-in; serving plain HTTP"
  udp=${F_udp_port:-8081}
  if [ "$udp" != -1 ]; then
    if nc_udp; then serve_udp "$udp" netexec; log "Started UDP server on port $udp"
    else log "UDP server on port $udp is not supported by this image's nc"; fi
  fi
  serve "$port" netexec
  log "Started HTTP server on port $port"
  run_servers
}

http_netexec() {
  [ -n "$NETEXEC_OVERRIDE" ] && http_set_target "$NETEXEC_OVERRIDE"
  case "$REQ_PATH" in
    /echo)
      msg=$(query msg); code=$(query code)
      log "GET /echo?msg=$msg&code=$code"
      if [ -n "$code" ]; then
        case "$code" in *[!0-9]*) respond 200 "argument 'code' must be an integer or empty, got \"$code\"$NL"; return ;; esac
        respond "$code" "$msg"
      else
        respond 200 "$msg"
      fi ;;
    /hostname|/hostName) log "GET $REQ_PATH"; respond 200 "$(hostname)" ;;
    /clientip) log "GET /clientip"; respond 200 "$(remote_addr)" ;;
    /healthz) log "GET /healthz"; respond 200 "" ;;
    /shell)
      cmd=$(query shellCommand) || cmd=
      [ -z "$cmd" ] && cmd=$(query cmd)
      log "GET /shell?cmd=$cmd"
      res=$(sh -c "$cmd" 2>&1; printf '\n%s' "$?")
      rc=${res##*"$NL"}; out=${res%"$NL"*}
      body='{'
      [ "$rc" != 0 ] && body="$body\"error\":$(json_str "exit status $rc")"
      if [ -n "$out" ]; then [ "$body" != '{' ] && body="$body,"; body="$body\"output\":$(json_str "$out")"; fi
      body="$body}"
      log "Output: $body"
      respond 200 "$body" ;;
    /dial) dial ;;
    /redirect)
      location=$(query location); code=$(query code)
      log "GET /redirect?location=$location&code=$code"
      respond "${code:-302}" "" "text/html; charset=utf-8" "$(header Location "$location")$NL" ;;
    /exit)
      code=$(query code); timeout=$(query timeout); wait=$(query wait)
      log "GET /exit?code=$code&timeout=$timeout&wait=$wait"
      log "Will begin shutdown in ${wait:-0s}, allowing ${timeout:-0s} for connections to close, then will exit with ${code:-0}"
      [ -n "$wait" ] && sleep "$(duration_seconds "$wait")"
      case "$timeout" in ''|0|0s) ;; *) respond 200 "" ;; esac
      request_exit "${code:-0}" ;;
    /shutdown) log "GET /shutdown"; request_exit 0 ;;
    *) log "GET /"; respond 200 "NOW: $(date '+%Y-%m-%d %H:%M:%S %z %Z')" ;;
  esac
}

# netexec's UDP commands: hostname, echo MSG, clientip (netexec.go handleUDP)
udp_netexec() {
  cmd=$(cat | tr -d '\r\n')
  log "UDP server received request: $cmd"
  case "$cmd" in
    hostname) hostname | tr -d '\n' ;;
    'echo '*) printf '%s' "${cmd#echo }" ;;
    clientip) printf '%s' "$NC_REMOTE" ;;
    *) printf 'Unknown udp command received' ;;
  esac
}

udp_serve_hostname() { log "UDP request from $NC_REMOTE"; hostname | tr -d '\n'; }

udp_porter() { eval "printf '%s' \"\${$1}\""; }

duration_seconds() {
  case "$1" in *ms) echo 0 ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *h) echo $(( ${1%h} * 3600 )) ;; *) echo "$1" ;; esac
}

dial() {
  host=$(query host); port=$(query port); request=$(query request); protocol=$(query protocol); tries=$(query tries)
  log "GET /dial?host=$host&protocol=$protocol&port=$port&request=$request&tries=$tries"
  [ -n "$request" ] || { respond 400 "request parameter not specified. <nil>$NL"; return; }
  case "${tries:-1}" in *[!0-9]*) respond 400 "tries parameter is invalid.$NL"; return ;; esac
  responses=; errors=; last=
  i=0
  while [ "$i" -lt "${tries:-1}" ]; do
    i=$((i + 1))
    case "$protocol" in
      ''|http|HTTP)
        if last=$(timeout 5 wget -q -O - "http://$host:$port/$request" 2>&1); then
          responses="$responses,$(json_str "$last")"
        else
          errors="$errors,$(json_str "Get \"http://$host:$port/$request\": $last")"; last=
        fi ;;
      udp|UDP)
        if last=$(printf '%s' "$request" | nc -u -w 5 -W 1 "$host" "$port" 2>&1) && [ -n "$last" ]; then
          responses="$responses,$(json_str "$last")"
        else
          errors="$errors,$(json_str "reading from udp connection failed. err:'read udp $host:$port: i/o timeout'")"; last=
        fi ;;
      *) errors="$errors,$(json_str "$protocol dial is not supported by this stand-in")"; last= ;;
    esac
  done
  body='{'
  [ -n "$errors" ] && body="$body\"errors\":[${errors#,}]"
  if [ -n "$last" ]; then [ "$body" != '{' ] && body="$body,"; body="$body\"responses\":[${responses#,}]"; fi
  respond 200 "$body}"
}

# nettest: the state other pods write to (/write with {"Source": ...}) and read (/read), as
# upstream's. Peers are not contacted (that needs the in-cluster API): /status says running.
cmd_nettest() {
  parse_flags "$@"
  port=${F_port:-8080}
  export NETTEST_DIR
  NETTEST_DIR=$(mktemp -d)
  : > "$NETTEST_DIR/received"
  : > "$NETTEST_DIR/errors"
  serve "$port" nettest
  log "Serving on port $port"
  run_servers
}

http_nettest() {
  case "$REQ_PATH" in
    /write)
      src=$(http_body | sed -n 's/.*"Source"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
      if [ -n "$src" ]; then printf '%s\n' "$src" >> "$NETTEST_DIR/received"
      else printf '%s\n' "$(hostname): Got request with no source" >> "$NETTEST_DIR/errors"; fi
      respond 200 "{\"Hostname\":$(json_str "$(hostname)")}$NL" ;;
    /read)
      received=$(sort "$NETTEST_DIR/received" | uniq -c | awk 'BEGIN { ORS = "" } { printf "%s\t\t\"%s\": %d", (NR > 1 ? ",\n" : ""), $2, $1 }')
      [ -n "$received" ] && received="{$NL$received$NL	}" || received=null
      errors=$(awk 'BEGIN { ORS = "" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s\t\t\"%s\"", (NR > 1 ? ",\n" : ""), $0 }' "$NETTEST_DIR/errors")
      [ -n "$errors" ] && errors="[$NL$errors$NL	]" || errors=null
      respond 200 "{$NL	\"Hostname\": $(json_str "$(hostname)"),$NL	\"Sent\": null,$NL	\"Received\": $received,$NL	\"Errors\": $errors,$NL	\"Log\": null,$NL	\"StillContactingPeers\": false$NL}" ;;
    /status) respond 200 running ;;
    /quit) respond 200 "" ; request_exit 0 ;;
    *) respond 404 "404 page not found$NL" ;;
  esac
}

# grpc-health-checking: listens on --port (gRPC) and --http-port (its control server). A shell
# speaks no HTTP/2, so the gRPC port only accepts connections; probes at a port it does not
# listen on fail as they would against the real one.
cmd_grpc_health_checking() {
  parse_flags "$@"
  port=${F_port:-5000}
  http_port=${F_http_port:-8080}
  nc -ll -p "$port" -e true &
  SERVER_PIDS="$SERVER_PIDS $!"
  serve "$http_port" grpc_health
  log "Serving on port $port (gRPC) and $http_port (HTTP)"
  run_servers
}

http_grpc_health() {
  case "$REQ_PATH" in
    /make-serving) respond 200 "" ;;
    /make-not-serving) respond 200 "" ;;
    *) respond 404 "404 page not found$NL" ;;
  esac
}

cmd_liveness() {
  export LIVENESS_STARTED
  LIVENESS_STARTED=$(date +%s)
  serve 8080 liveness
  run_servers
}

http_liveness() {
  elapsed=$(( $(date +%s) - LIVENESS_STARTED ))
  case "$REQ_PATH" in
    /healthz) if [ "$elapsed" -gt 10 ]; then respond 500 "error: $elapsed"; else respond 200 ok; fi ;;
    /started) respond 200 "${elapsed}s" ;;
    /redirect) respond 302 "" "text/html; charset=utf-8" "$(header Location "$(query loc)")$NL" ;;
    *) respond 404 "404 page not found$NL" ;;
  esac
}

cmd_serve_hostname() {
  parse_flags "$@"
  port=${F_port:-9376}
  if [ "${F_http:-true}" = true ] && { [ "${F_tcp:-false}" = true ] || [ "${F_udp:-false}" = true ]; }; then
    log "Can't server TCP/UDP mode and HTTP mode at the same time"; exit 1
  fi
  export SERVE_HOSTNAME_CLOSE=${F_close:-false}
  [ "${F_tcp:-false}" = true ] && { nc -ll -p "$port" -e "$SELF" __tcp_hostname & SERVER_PIDS="$SERVER_PIDS $!"; }
  if [ "${F_udp:-false}" = true ]; then
    if nc_udp; then serve_udp "$port" serve_hostname; else log "UDP is not supported by this image's nc"; fi
  fi
  [ "${F_http:-true}" = true ] && serve "$port" serve_hostname
  log "Serving on port $port."
  trap on_exit_request USR1
  trap 'trap "" TERM; log "Shutting down after receiving signal: terminated."; log "Awaiting pod deletion."; sleep 60; stop_servers; exit 0' TERM
  wait_servers
}

http_serve_hostname() {
  log "HTTP request from $(remote_addr)"
  respond 200 "$(hostname)"
}

cmd_test_webserver() {
  parse_flags "$@"
  # Go's FileServer over / answers / with a listing (200); busybox httpd answers a directory
  # without index.html with 404. A docroot of links to / with a listing as its index does both.
  root=$(mktemp -d)
  for e in /*; do [ "$e" = "$root" ] || ln -s "$e" "$root/${e#/}"; done
  { echo '<pre>'; for e in /*; do n=${e#/}; [ -d "$e" ] && n="$n/"; echo "<a href=\"$n\">$n</a>"; done; echo '</pre>'; } > "$root/index.html"
  httpd -f -p "${F_port:-80}" -h "$root" &
  SERVER_PIDS=$!
  run_servers
}

cmd_porter() {
  parse_flags "$@"
  export PORTER_JSON=${F_json_response:-false}
  for kv in $(env | grep -E '^SERVE_(TCP_)?PORT_[0-9]+=' | cut -d= -f1); do
    serve "${kv##*_}" porter "$kv"
  done
  for kv in $(env | grep -E '^SERVE_UDP_PORT_[0-9]+=' | cut -d= -f1); do
    if nc_udp; then serve_udp "${kv##*_}" porter "$kv"; log "Started UDP server on port ${kv##*_}"; fi
  done
  env | grep -qE '^SERVE_(TLS|SCTP)_PORT_' && log "TLS and SCTP ports are not supported by this stand-in"
  [ -n "$SERVER_PIDS" ] || { while :; do sleep 3600; done; }
  run_servers
}

http_porter() {
  eval "value=\${$1}"
  if [ "$PORTER_JSON" = true ]; then
    respond 200 "{\"Method\":$(json_str "$REQ_METHOD"),\"Body\":$(json_str "$value")}" application/json
  else
    respond 200 "$value"
  fi
}

cmd_entrypoint_tester() {
  # Go prints os.Args: the program and every argument, the subcommand included
  out=$0
  for a in "$@"; do out="$out $a"; done
  echo "[$out]"
}

# mounttest: upstream's order of checks and output lines (mounttest/mt.go, mt_utils.go).
INITIAL_CONTENT='mount-tester new file'
go_mode() { # STAT-RAW-HEX-MODE PERM-ONLY -> Go's os.FileMode String()
  m=$((0x$1)); s=
  if [ "$2" != perm ]; then
    case $((m & 0170000)) in
      $((0040000))) s=d ;; $((0120000))) s=L ;; $((0060000))) s=D ;; $((0010000))) s=p ;; $((0140000))) s=S ;; $((0020000))) s=D ;;
    esac
    [ $((m & 04000)) -ne 0 ] && s="${s}u"
    [ $((m & 02000)) -ne 0 ] && s="${s}g"
    [ $((m & 0170000)) -eq $((0020000)) ] && s="${s}c"
    [ $((m & 01000)) -ne 0 ] && s="${s}t"
  fi
  [ -z "$s" ] && s=-
  for bit in 256:r 128:w 64:x 32:r 16:w 8:x 4:r 2:w 1:x; do
    if [ $((m & ${bit%:*})) -ne 0 ]; then s="$s${bit#*:}"; else s="$s-"; fi
  done
  echo "$s"
}

errno_text() { # why PATH cannot be read, as Go's error text
  if [ ! -e "$1" ] && [ ! -L "$1" ]; then echo 'no such file or directory'; else echo 'permission denied'; fi
}

mt_read_content() {
  [ -n "$1" ] || return 0
  if [ -e "$1" ] && [ -r "$1" ] && [ ! -d "$1" ]; then
    content=$(cat "$1"; printf x)
    printf 'content of file "%s": %s\n' "$1" "${content%x}"
  else
    echo "error reading file content for \"$1\": open $1: $(errno_text "$1")"; return 1
  fi
}

mt_new_file() { # PATH PERM
  [ -n "$1" ] || return 0
  existed=; [ -e "$1" ] && existed=1
  if ! printf '%s\n' "$INITIAL_CONTENT" > "$1" 2>/dev/null; then
    echo "error writing new file \"$1\": open $1: $(errno_text "$(dirname "$1")")"; return 1
  fi
  [ -z "$existed" ] && chmod "$2" "$1"
  mt_read_content "$1"
}

cmd_mounttest() {
  parse_flags "$@"
  umask 0
  errs=0
  if [ -n "${F_fs_type-}" ]; then
    if t=$(stat -f -c %t "$F_fs_type" 2>/dev/null); then
      if [ "$t" = 1021994 ]; then echo "mount type of \"$F_fs_type\": tmpfs"; else echo "mount type of \"$F_fs_type\": $((0x$t))"; fi
    else
      echo "error from statfs(\"$F_fs_type\"): $(errno_text "$F_fs_type")"; errs=1
    fi
  fi
  mt_new_file "${F_new_file_0644-}" 644 || errs=1
  mt_new_file "${F_new_file_0666-}" 666 || errs=1
  mt_new_file "${F_new_file_0660-}" 660 || errs=1
  mt_new_file "${F_new_file_0777-}" 777 || errs=1
  if [ -n "${F_file_mode-}" ]; then
    if raw=$(stat -L -c %f "$F_file_mode" 2>/dev/null); then echo "mode of file \"$F_file_mode\": $(go_mode "$raw")"
    else echo "error from Stat(\"$F_file_mode\"): stat $F_file_mode: $(errno_text "$F_file_mode")"; errs=1; fi
  fi
  if [ -n "${F_file_perm-}" ]; then
    if raw=$(stat -L -c %f "$F_file_perm" 2>/dev/null); then echo "perms of file \"$F_file_perm\": $(go_mode "$raw" perm)"
    else echo "error from Stat(\"$F_file_perm\"): stat $F_file_perm: $(errno_text "$F_file_perm")"; errs=1; fi
  fi
  if [ -n "${F_file_owner-}" ]; then
    if ids=$(stat -L -c '%u %g' "$F_file_owner" 2>/dev/null); then
      echo "owner UID of \"$F_file_owner\": ${ids% *}"
      echo "owner GID of \"$F_file_owner\": ${ids#* }"
    else echo "error from stat(\"$F_file_owner\"): stat $F_file_owner: $(errno_text "$F_file_owner")"; errs=1; fi
  fi
  mt_read_content "${F_file_content-}" || errs=1
  if [ -n "${F_file_content_in_loop-}" ]; then
    p=$F_file_content_in_loop; start=$(date +%s); ok=0
    while [ $(( $(date +%s) - start )) -lt "${F_retry_time:-180}" ]; do
      if [ -r "$p" ] && content=$(cat "$p" 2>/dev/null; printf x); then
        ok=0; content=${content%x}
        printf 'content of file "%s": %s\n' "$p" "$content"
        if [ "${F_break_on_expected_content:-true}" = true ]; then
          if [ "$content" != "$INITIAL_CONTENT$NL" ]; then printf 'Unexpected content. Expected: %s\n. Retrying' "$INITIAL_CONTENT"; sleep 2; continue; fi
          break
        fi
      else
        ok=1; echo "Error reading file $p: open $p: $(errno_text "$p"), retrying"
      fi
      sleep 2
    done
    [ "$ok" = 0 ] || errs=1
  fi
  exit "$errs"
}

cmd_connect() {
  parse_flags "$@"
  set -- $ARGS_REST
  dest=$1
  case "$dest" in *:*) ;; *) echo "UNKNOWN: address $dest: missing port in address" >&2; exit 1 ;; esac
  host=${dest%:*}; port=${dest##*:}
  t=$(duration_seconds "${F_timeout:-0}"); [ "$t" = 0 ] && t=30
  err=${TMPDIR:-/tmp}/.agnhost-connect-$$
  case "${F_protocol:-tcp}" in
    tcp|'')
      nc -w "$t" "$host" "$port" </dev/null >/dev/null 2>"$err" && { rm -f "$err"; exit 0; }
      out=$(cat "$err" 2>/dev/null); rm -f "$err"
      case "$out" in
        *refused*) echo REFUSED >&2 ;;
        *'timed out'*) echo TIMEOUT >&2 ;;
        *getaddrinfo*|*'bad address'*) echo "DNS: $out" >&2 ;;
        *) echo "OTHER: $out" >&2 ;;
      esac ;;
    udp)
      resp=$(printf '%s\n' "${F_udp_data:-hostname}" | nc -u -w "$t" -W 1 "$host" "$port" 2>"$err"); rc=$?
      out=$(cat "$err" 2>/dev/null); rm -f "$err"
      [ -n "$resp" ] && exit 0
      case "$out" in
        *refused*) echo "REFUSED: read udp $dest: recvfrom: connection refused" >&2 ;;
        *getaddrinfo*) echo "DNS: $out" >&2 ;;
        *) if [ "$rc" = 0 ]; then echo "TIMEOUT: read udp $dest: i/o timeout" >&2; else echo "UNKNOWN: $out" >&2; fi ;;
      esac ;;
    *) echo "Unsupported protocol" >&2 ;;
  esac
  exit 1
}

resolv_list() { # KEYWORD: the words after the first line starting with it, comma-joined
  line=$(grep "^$1" /etc/resolv.conf | head -n 1)
  [ -n "$line" ] || { echo "panic: Could not find DNS search list!" >&2; exit 2; }
  set -- $line; shift
  _o=; for w in "$@"; do _o="${_o:+$_o,}$w"; done
  echo "$_o"
}

usage() {
  cat <<'EOF'
agnhost (Skiff stand-in for kubernetes/test/images/agnhost)

Usage:
  agnhost [command]

Available Commands:
  connect             Attempts a TCP connection and returns useful errors
  dns-server-list     Prints the host's DNS Server list
  dns-suffix          Prints the host's DNS suffix list
  entrypoint-tester   Prints the args it's passed and exits
  etc-hosts           Prints the host's /etc/hosts file
  grpc-health-checking  Starts a gRPC health checking server
  liveness            Starts a server that is alive for 10 seconds
  mounttest           Creates files with given permissions and outputs FS type, owner, mode, permissions, contents of files
  netexec             Creates an HTTP server with various endpoints
  nettest             Starts a tiny web server for checking networking connectivity
  pause               Pauses the execution
  porter              Serves requested data on ports specified in ENV variables
  serve-hostname      Serves the hostname
  test-webserver      Starts a simple HTTP fileserver
EOF
}

# --- dispatch -------------------------------------------------------------------------------
cmd=$1
[ $# -gt 0 ] && shift
# A Go program that does not handle signals dies of SIGTERM/SIGINT; a shell as PID 1 of its
# container would ignore them and wait out the grace period. Subcommands with their own
# handling (pause, netexec, serve-hostname, ...) set their own traps.
trap 'exit 143' TERM
trap 'exit 130' INT
case "$cmd" in
  __http) kind=$1; shift; http_read_request || exit 0; "http_$kind" "$@" ;;
  __tcp_hostname) hostname | tr -d '\n' ;;
  __udp) kind=$1; shift; "udp_$kind" "$@" ;;
  pause) cmd_pause ;;
  netexec) cmd_netexec "$@" ;;
  nettest) cmd_nettest "$@" ;;
  grpc-health-checking) cmd_grpc_health_checking "$@" ;;
  liveness) cmd_liveness ;;
  serve-hostname) cmd_serve_hostname "$@" ;;
  test-webserver) cmd_test_webserver "$@" ;;
  porter) cmd_porter "$@" ;;
  entrypoint-tester) cmd_entrypoint_tester "$cmd" "$@" ;;
  mounttest) cmd_mounttest "$@" ;;
  connect) cmd_connect "$@" ;;
  dns-suffix) resolv_list search ;;
  dns-server-list) resolv_list nameserver ;;
  etc-hosts) cat /etc/hosts; echo ;;
  ''|help|--help|-h) usage ;;
  *) echo "Error: unknown command \"$cmd\" for \"agnhost\"" >&2; echo "Run 'agnhost --help' for usage." >&2; exit 1 ;;
esac
