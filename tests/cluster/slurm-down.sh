#!/usr/bin/env bash
# Stop the daemons tests/cluster/slurm-up.sh started: exactly the processes named by the pid
# files in STATE_DIR (default /tmp/optireport-slurm), never any other SLURM or MUNGE.
#
#   tests/cluster/slurm-down.sh [STATE_DIR]
set -euo pipefail

STATE=${1:-${SLURM_STATE_DIR:-/tmp/optireport-slurm}}

stop() {
    local name=$1 pidfile=$STATE/$1.pid pid
    [[ -s $pidfile ]] || return 0
    pid=$(cat "$pidfile")
    # A stale pid file may name a recycled pid: only signal the process if it is that daemon.
    if kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name"* ]]; then
        kill -TERM "$pid"
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "slurm-down: $name ($pid) ignored SIGTERM for 10 s; sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        echo "slurm-down: stopped $name ($pid)"
    fi
    rm -f "$pidfile"
}

# Compute node first, then the controller, then the authentication daemon both use.
stop slurmd
stop slurmctld
stop munged

# The link slurm-up.sh made to our configuration, if it still points into STATE_DIR.
if [[ -L /etc/slurm/slurm.conf && $(readlink /etc/slurm/slurm.conf) == "$STATE/slurm.conf" ]]; then
    rm -f /etc/slurm/slurm.conf
fi
