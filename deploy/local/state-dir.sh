# Sourced by deploy/local/stack, deploy/local/demo and bin/amyterm-backup: where the local stack
# keeps its data, keys, API tokens and logs.
#   AMYTERM_STACK_DIR if set; else deploy/local/.stack, unless the stack runs as root and the
#   unprivileged postgres user (which runs PostgreSQL) cannot enter the repository's folder, as
#   with a clone under /root: then /var/lib/amyterm-stack/<a name per clone>.
amyterm_stack_state_dir() {
  local local_dir repo
  local_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  if [ -n "${AMYTERM_STACK_DIR:-}" ]; then
    echo "$AMYTERM_STACK_DIR"
  elif [ -d "$local_dir/.stack" ] || [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1 ||
    setpriv --reuid=postgres --regid=postgres --init-groups -- test -x "$local_dir" 2>/dev/null; then
    echo "$local_dir/.stack"
  else
    repo=$(cd "$local_dir/../.." && pwd)
    echo "/var/lib/amyterm-stack/$(basename "$repo")-$(printf '%s' "$repo" | sha256sum | cut -c1-8)"
  fi
}
