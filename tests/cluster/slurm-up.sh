#!/usr/bin/env bash
# Bring up a single-node SLURM cluster for the tests: munged, slurmctld and slurmd, started
# directly (no systemd), as root on Debian.
#
#   tests/cluster/slurm-up.sh [STATE_DIR]      (default: /tmp/optireport-slurm)
#
# Installs slurm-wlm and munge from Debian when they are missing. Everything the cluster
# writes (slurm.conf, munge key and socket, pid files, logs, spool and state) lives in
# STATE_DIR; the only file outside it is the link /etc/slurm/slurm.conf -> STATE_DIR/slurm.conf
# (made only where no other SLURM configuration exists, removed by slurm-down.sh).
# Clients find the cluster through SLURM_CONF: the last line printed is
#   export SLURM_CONF=STATE_DIR/slurm.conf
# tests/cluster/slurm-down.sh STATE_DIR stops exactly the daemons started here.
set -euo pipefail

STATE=${1:-${SLURM_STATE_DIR:-/tmp/optireport-slurm}}
CTLD_PORT=${SLURM_CTLD_PORT:-6817}
SLURMD_PORT=${SLURM_SLURMD_PORT:-6818}
# Jobs finished longer ago than this vanish from squeue. The profile checks status with
# squeue, so it must exceed the longest gap between two checks (the plugin caps it at 180 s).
MIN_JOB_AGE=${SLURM_MIN_JOB_AGE:-600}
PARTITION=${SLURM_PARTITION:-debug}

die() {
    echo "slurm-up: $*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts daemons)"
[[ -r /etc/debian_version ]] || die "needs a Debian machine (slurm-wlm and munge from apt)"

start=$(date +%s%N)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    echo "slurm-up: installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # The packages try to start their services; without systemd that fails harmlessly.
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
installed=$(date +%s%N)

for pidfile in munged.pid slurmctld.pid slurmd.pid; do
    if [[ -s $STATE/$pidfile ]] && kill -0 "$(cat "$STATE/$pidfile")" 2>/dev/null; then
        die "$STATE/$pidfile names a running daemon: run tests/cluster/slurm-down.sh $STATE first"
    fi
done

# Only ever delete a directory this script made (it leaves a marker file in it).
MARKER=.optireport-slurm
if [[ -e $STATE ]]; then
    [[ -f $STATE/$MARKER || -z $(ls -A "$STATE") ]] \
        || die "$STATE exists and was not made by this script: choose another STATE_DIR"
    rm -rf "$STATE"
fi
mkdir -p "$STATE"/{ctld,spool}
chmod 0700 "$STATE"
touch "$STATE/$MARKER"

# MUNGE: our own key, socket, pid file and log.
dd if=/dev/urandom of="$STATE/munge.key" bs=1024 count=1 status=none
chmod 0400 "$STATE/munge.key"
munged --force \
    --key-file="$STATE/munge.key" \
    --socket="$STATE/munge.socket" \
    --pid-file="$STATE/munged.pid" \
    --log-file="$STATE/munged.log" \
    --seed-file="$STATE/munged.seed"

# SLURM: this machine is the controller and the only compute node. The node line is what
# slurmd detects, so the cluster offers exactly this machine's cores and memory.
host=$(hostname -s)
node=$(slurmd -C | head -n 1)
cat >"$STATE/slurm.conf" <<CONF
# Single-node test cluster written by tests/cluster/slurm-up.sh.
ClusterName=optireport
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$STATE/munge.socket
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=$MIN_JOB_AGE
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

# Inside a job, the executor plugin's job step drops every SLURM_* variable but the job's
# identity before calling srun, SLURM_CONF included: srun then reads the default path. Link it
# to our file, unless the machine has a SLURM configuration of its own.
SYSTEM_CONF=/etc/slurm/slurm.conf
if [[ -L $SYSTEM_CONF ]] && { [[ ! -e $SYSTEM_CONF ]] \
    || grep -q "written by tests/cluster/slurm-up.sh" "$SYSTEM_CONF"; }; then
    : # our link from an earlier run: replaced below
elif [[ -e $SYSTEM_CONF ]]; then
    die "$SYSTEM_CONF belongs to another SLURM installation: not touching it"
fi
mkdir -p "$(dirname "$SYSTEM_CONF")"
ln -sfn "$STATE/slurm.conf" "$SYSTEM_CONF"

export SLURM_CONF=$STATE/slurm.conf
# -i: start from empty state (no jobs of an earlier cluster are recovered).
slurmctld -i -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"

# Ready when the node accepts jobs.
for _ in $(seq 1 120); do
    state=$(sinfo --noheader --format=%t 2>/dev/null | head -n 1 || true)
    if [[ $state == idle* || $state == mix* ]]; then
        ready=$(date +%s%N)
        echo "slurm-up: node $host $state; packages $(((installed - start) / 1000000)) ms," \
            "daemons up in $(((ready - installed) / 1000000)) ms"
        echo "export SLURM_CONF=$SLURM_CONF"
        exit 0
    fi
    sleep 0.5
done
echo "slurm-up: the node did not become idle in 60 s; last log lines:" >&2
tail -n 20 "$STATE/slurmctld.log" "$STATE/slurmd.log" "$STATE/munged.log" >&2 || true
"$(dirname "$0")/slurm-down.sh" "$STATE" >&2 || true
exit 1
