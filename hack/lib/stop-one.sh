# Sourced by local-cluster.sh and local-node.sh. Stops one of the caller's processes, found through
# its pid file in $PID_DIR and the caller's running_pid (which checks the pid still is that program):
# SIGTERM, then SIGKILL after 10 s.
stop_one() { # <name>
  local pid
  pid="$(running_pid "$1")" || { rm -f "$PID_DIR/$1.pid"; return 0; }
  log "stopping $1 (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_DIR/$1.pid"
}
