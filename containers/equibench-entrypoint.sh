#!/bin/sh
# The entrypoint of every equibench row container (containers/*/Dockerfile): runs the row's runner command given as
# arguments, then writes the container's cgroup memory figures to $EQUIBENCH_CGROUP_FILE. The cgroup's files are
# gone once the container exits, so they are read from inside, after the runner ended (also when the kernel's
# out-of-memory killer ended it: the killer picks the runner, the largest process, and this shell goes on).
# The runner's stdout and stderr are the container's.
start_ns=$(date +%s%N)
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"
rc=$?
end_ns=$(date +%s%N)
if [ -n "$EQUIBENCH_CGROUP_FILE" ]; then
  if [ -f /sys/fs/cgroup/memory.peak ] || [ -f /sys/fs/cgroup/memory.max ]; then
    version=v2
    peak=$(cat /sys/fs/cgroup/memory.peak 2>/dev/null || echo -1)
    limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || echo -1)
    oom=$(sed -n 's/^oom_kill //p' /sys/fs/cgroup/memory.events 2>/dev/null)
  else
    version=v1
    peak=$(cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null || echo -1)
    limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo -1)
    oom=$(sed -n 's/^oom_kill //p' /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null)
  fi
  {
    echo "cgroup=$version"
    echo "memory_peak_bytes=$peak"
    echo "memory_limit_bytes=$limit"
    echo "oom_kills=${oom:--1}"
    echo "runner_start_epoch_ns=$start_ns"
    echo "runner_end_epoch_ns=$end_ns"
    echo "exit_code=$rc"
  } > "$EQUIBENCH_CGROUP_FILE.tmp" && mv "$EQUIBENCH_CGROUP_FILE.tmp" "$EQUIBENCH_CGROUP_FILE"
fi
exit "$rc"
