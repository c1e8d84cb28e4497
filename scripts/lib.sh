# Helpers shared by the test scripts. Source it: `. scripts/lib.sh`.

step() { printf '\n==> %s\n' "$*"; }

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts a throwaway redis-server on a free loopback port, keeping nothing on
# disk, and sets REDIS_PORT. It is stopped when the calling shell exits. Call it
# directly, not in $(...): a subshell would stop it on its own exit.
start_throwaway_redis() {
  local port dir
  port=$(free_port)
  dir=$(mktemp -d)
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  THROWAWAY_CLEANUP="${THROWAWAY_CLEANUP:-} kill \$(cat $dir/redis.pid) 2>/dev/null; rm -rf $dir;"
  # shellcheck disable=SC2064
  trap "$THROWAWAY_CLEANUP" EXIT
  REDIS_PORT=$port
}
