#!/usr/bin/env bash
# Chaos run of issue 12 with real processes: Redis, 3 standalone silos and a gateway (`serve --redis`) run JOBS
# detached renders of several sizes (plus a training job with TRAIN=1) twice: once undisturbed (the baseline), then
# while the cluster is disturbed. Every disturbed job must complete and write the same bytes as its baseline.
#
#   bench/chaos/chaos.sh kill      # kill -9 a silo KILL_EVERY s after the last one is back (round robin: coordinator silo included), restart it
#   bench/chaos/chaos.sh rolling   # SIGTERM each silo in turn, wait for its exit code, restart it
#   bench/chaos/chaos.sh redis     # restart Redis (append-only file kept) mid-run
#
# Needs redis-server, python3 and the built hosts:
#   dotnet build src/Hosts/OrleansStyle.Silo -c Release && dotnet build src/Hosts/OrleansStyle.Cli -c Release
# Settings (environment): DEVICE (cpu | sim:0, default cpu), JOBS (12), KILL_EVERY (5), TRAIN (0/1, cpu only),
# ROLES ("coordinator device device": silo 0 announces no devices), SPOOL_SETTING (a silo setting NAME whose value is
# the spool folder, OrleansStyle:Spool:Path; then the spool must empty within SPOOL_RETENTION s: give the silos a short
# --OrleansStyle:Jobs:KeepFinishedJobsFor in SILO_ARGS, as reminders purge a finished job's spool once it has passed),
# SILO_ARGS (extra silo settings), CHAOS_TIMEOUT (900 s per phase), KEEP=1 keeps the work folder.
# Prints one line per job and a summary; exit 0 only when every disturbed job matched its baseline.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
mode=${1:-kill}
DEVICE=${DEVICE:-cpu}
JOBS=${JOBS:-12}
KILL_EVERY=${KILL_EVERY:-5}
TRAIN=${TRAIN:-0}
read -r -a roles <<< "${ROLES:-coordinator device device}"
CHAOS_TIMEOUT=${CHAOS_TIMEOUT:-900}
silo_dll=$root/src/Hosts/OrleansStyle.Silo/bin/Release/net10.0/orleans-style-silo.dll
cli_dll=$root/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style.dll
for f in "$silo_dll" "$cli_dll"; do [[ -f $f ]] || { echo "missing $f: build the hosts first (see the header)" >&2; exit 2; }; done
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 2; }

work=$(mktemp -d /tmp/chaos-XXXXXX)
mkdir -p "$work"/{logs,baseline,disturbed,redis,styles,training,models,spool}
cp "$root"/models/*.safetensors "$work/models/"
cp "$root"/samples/style/*.jpg "$work/styles/"
cp "$root"/samples/content/*.jpg "$work/training/"
cluster="chaos-$$"
key="chaos-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
gateway_port=$(free_port)
declare -a silo_port gateway_silo_port metrics_port silo_pid
for i in "${!roles[@]}"; do silo_port[i]=$(free_port); gateway_silo_port[i]=$(free_port); metrics_port[i]=$(free_port); done
redis_pid=""
gateway_pid=""
declare -a job_pids=()

log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)] $*" | tee -a "$work/logs/events.log"; }

cleanup() {
  for pid in "${job_pids[@]}" "$gateway_pid" "${silo_pid[@]}" "$redis_pid"; do
    [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null
  done
  wait 2>/dev/null
  if [[ ${KEEP:-0} == 1 ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --dir "$work/redis" >> "$work/logs/redis.log" 2>&1 &
  redis_pid=$!
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $redis_port), 1)" 2>/dev/null; do sleep 0.1; done
}

start_silo() {
  local i=$1 role_args=()
  if [[ ${roles[i]} == coordinator ]]; then role_args=(--OrleansStyle:Devices:Announce=false); else role_args=("--OrleansStyle:Devices:Devices:0=$DEVICE" --OrleansStyle:Devices:CpuThreads=1); fi
  local spool_args=()
  [[ -n ${SPOOL_SETTING:-} ]] && spool_args=("--$SPOOL_SETTING=$work/spool")
  # shellcheck disable=SC2086
  dotnet "$silo_dll" \
    --OrleansStyle:Cluster:Membership=Redis "--OrleansStyle:Cluster:Redis=127.0.0.1:$redis_port" "--OrleansStyle:Cluster:ClusterId=$cluster" \
    --OrleansStyle:Cluster:AdvertisedAddress=127.0.0.1 "--OrleansStyle:Cluster:SiloPort=${silo_port[i]}" \
    "--OrleansStyle:Cluster:GatewayPort=${gateway_silo_port[i]}" "--OrleansStyle:Telemetry:Port=${metrics_port[i]}" \
    "--OrleansStyle:Models:Directory=$work/models" "--OrleansStyle:Training:ContentDirectory=$work/training" \
    "${role_args[@]}" "${spool_args[@]}" ${SILO_ARGS:-} \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:OrleansStyle=Information >> "$work/logs/silo$i.log" 2>&1 &
  silo_pid[i]=$!
}

# A silo is up when its /metrics answers (Orleans starts before Kestrel).
wait_silo() {
  local i=$1 deadline=$((SECONDS + 120))
  until curl -sf "http://127.0.0.1:${metrics_port[i]}/metrics" -o /dev/null; do
    (( SECONDS > deadline )) && { log "silo $i did not come up"; return 1; }
    kill -0 "${silo_pid[i]}" 2>/dev/null || { log "silo $i exited at start"; return 1; }
    sleep 0.5
  done
}

start_gateway() {
  # Every job of a phase runs at once, under one caller; the training job (TRAIN=1) needs a gateway that trains.
  OrleansStyle__Gateway__MaxConcurrentJobsPerCaller=64 OrleansStyle__Gateway__AllowModelChanges=true dotnet "$cli_dll" serve --redis "127.0.0.1:$redis_port" --cluster-id "$cluster" --port "$gateway_port" \
    --models "$work/models" --styles "$work/styles" --api-key "chaos=$key" >> "$work/logs/gateway.log" 2>&1 &
  gateway_pid=$!
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $gateway_port), 1)" 2>/dev/null; do sleep 0.5; done
}

photos=(garden dune ladybird raindrops storm yellow_flower)
sizes=(160 256 384 512 224 320)
styles=(starry_night the_scream mondrian woman-with-hat-matisse)

# Starts every job of a phase in the background; each CLI follows its job to the end (re-attaching when a silo goes).
start_jobs() {
  local phase=$1
  job_pids=()
  for ((j = 0; j < JOBS; j++)); do
    local photo=${photos[j % ${#photos[@]}]} size=${sizes[j % ${#sizes[@]}]} style=${styles[j % ${#styles[@]}]}
    # Its status is read as soon as the CLI ends: retention (KeepFinishedJobsFor) purges it with the spool.
    (dotnet "$cli_dll" render "$root/samples/content/$photo.jpg" --gateway "http://127.0.0.1:$gateway_port" --api-key "$key" \
      --model multi4 --style "$style" --size "$size" --tile-size 128 --job-id "$phase-$j" --detach \
      -o "$work/$phase/$j.png" > "$work/logs/$phase-$j.log" 2>&1; code=$?
     dotnet "$cli_dll" jobs get "$phase-$j" --gateway "http://127.0.0.1:$gateway_port" --api-key "$key" > "$work/logs/get-$phase-$j.log" 2>&1
     exit $code) &
    job_pids+=($!)
  done
  if [[ $TRAIN == 1 ]]; then
    dotnet "$cli_dll" train --gateway "http://127.0.0.1:$gateway_port" --api-key "$key" --kind multi \
      --style starry_night the_scream --steps 30 --size 64 --batch 2 --seed 1 --job-id "$phase-train" \
      -o "$phase-trained" > "$work/logs/$phase-train.log" 2>&1 &
    job_pids+=($!)
  fi
}

jobs_running() { for pid in "${job_pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }

# Waits (in this shell: a subshell cannot wait for them) for every job CLI of the phase; exit codes in job order.
declare -a codes=() attach_codes=()
wait_jobs() {
  codes=()
  for pid in "${job_pids[@]}"; do wait "$pid"; codes+=($?); done
}

disturb() {
  local deadline=$((SECONDS + CHAOS_TIMEOUT)) next=0 events=0
  case $mode in
    kill)
      while jobs_running && (( SECONDS < deadline )); do
        sleep "$KILL_EVERY"
        jobs_running || break
        local i=$((next % ${#roles[@]})); next=$((next + 1))
        log "kill -9 silo $i (${roles[i]}, pid ${silo_pid[i]})"
        kill -9 "${silo_pid[i]}"; wait "${silo_pid[i]}" 2>/dev/null
        # The next kill waits for this silo to be back: on a loaded machine a silo takes longer than KILL_EVERY to
        # start, and killing on a fixed clock would leave no cluster at all, only a test of patience.
        start_silo "$i"; events=$((events + 1))
        wait_silo "$i" || break
      done ;;
    rolling)
      sleep "$KILL_EVERY" # the jobs' coordinators exist by now
      for i in "${!roles[@]}"; do
        jobs_running || break
        log "SIGTERM silo $i (${roles[i]}, pid ${silo_pid[i]})"
        local started=$SECONDS
        kill -TERM "${silo_pid[i]}"; wait "${silo_pid[i]}"; local code=$?
        log "silo $i exited $code after $((SECONDS - started)) s"
        echo "$code" >> "$work/logs/rolling-exit-codes"
        start_silo "$i"; wait_silo "$i"; events=$((events + 1))
      done ;;
    redis)
      sleep "$KILL_EVERY"
      log "restart Redis (pid $redis_pid)"
      kill -TERM "$redis_pid"; wait "$redis_pid" 2>/dev/null
      sleep 3 # Redis is away for a while, as during a pod reschedule
      start_redis; events=1
      log "Redis is back" ;;
    *) echo "unknown mode $mode: kill, rolling or redis" >&2; exit 2 ;;
  esac
  echo "$events" > "$work/logs/events"
}

log "work folder $work; device $DEVICE; roles ${roles[*]}; $JOBS jobs; mode $mode"
start_redis
for i in "${!roles[@]}"; do start_silo "$i"; done
for i in "${!roles[@]}"; do wait_silo "$i" || exit 1; done
start_gateway
log "cluster up"

phase_started=$SECONDS
start_jobs baseline
wait_jobs; baseline_codes=("${codes[@]}")
log "baseline done in $((SECONDS - phase_started)) s: exit codes ${baseline_codes[*]}"

phase_started=$SECONDS
start_jobs disturbed
disturb
wait_jobs; disturbed_codes=("${codes[@]}")
log "disturbed phase done in $((SECONDS - phase_started)) s: exit codes ${disturbed_codes[*]}; $(cat "$work/logs/events") disturbances"

# Every tile exactly once: the farm counts distinct finished tiles (a tile rendered twice is stored and counted once).
declare -a tiles=()
for ((j = 0; j < JOBS; j++)); do tiles[j]=$(grep -o '[0-9]*/[0-9]* tiles' "$work/logs/get-disturbed-$j.log" 2>/dev/null | head -1); done

# A CLI whose stream broke says nothing about the job itself: re-attach by id (the job may have survived on the farm).
for ((j = 0; j < JOBS; j++)); do
  if [[ ${disturbed_codes[j]} != 0 ]]; then
    timeout 300 dotnet "$cli_dll" jobs attach "disturbed-$j" -o "$work/disturbed/$j.png" --gateway "http://127.0.0.1:$gateway_port" \
      --api-key "$key" > "$work/logs/attach-$j.log" 2>&1
    attach_codes[j]=$?
  else
    attach_codes[j]=-
  fi
done

failures=0
for ((j = 0; j < JOBS; j++)); do
  verdict="identical"
  done_tiles=${tiles[j]%%/*}; total_tiles=${tiles[j]#*/}; total_tiles=${total_tiles%% *}
  if [[ -z ${tiles[j]} || $done_tiles != "$total_tiles" ]]; then
    verdict="TILES ${tiles[j]:-unknown (jobs get: $(grep -v '^\s*$' "$work/logs/get-disturbed-$j.log" | tail -1))}"; failures=$((failures + 1))
    cmp -s "$work/baseline/$j.png" "$work/disturbed/$j.png" && verdict="$verdict; bytes identical" || verdict="$verdict; DIFFERENT BYTES"
  fi
  if [[ $verdict != identical ]]; then :
  elif [[ ${disturbed_codes[j]} != 0 && ${attach_codes[j]} != 0 ]]; then verdict="FAILED: $(grep -v '^\s*$' "$work/logs/disturbed-$j.log" | tail -1) / attach: $(grep -v '^\s*$' "$work/logs/attach-$j.log" | tail -1)"; failures=$((failures + 1))
  elif ! cmp -s "$work/baseline/$j.png" "$work/disturbed/$j.png"; then verdict="DIFFERENT BYTES"; failures=$((failures + 1))
  elif [[ ${disturbed_codes[j]} != 0 ]]; then verdict="identical after re-attaching (the CLI's stream failed)"; streams_broken=$((${streams_broken:-0} + 1))
  fi
  reconnects=$(grep -c "reconnecting in" "$work/logs/disturbed-$j.log")
  echo "job $j ${photos[j % ${#photos[@]}]} ${sizes[j % ${#sizes[@]}]} px: ${tiles[j]}, baseline exit ${baseline_codes[j]}, disturbed exit ${disturbed_codes[j]} after $reconnects reconnects, attach ${attach_codes[j]}: $verdict"
done
if [[ $TRAIN == 1 ]]; then
  verdict="identical"
  if [[ ${disturbed_codes[JOBS]} != 0 ]]; then verdict="FAILED: $(tail -1 "$work/logs/disturbed-train.log")"; failures=$((failures + 1))
  elif ! cmp -s "$work/models/baseline-trained.safetensors" "$work/models/disturbed-trained.safetensors"; then verdict="DIFFERENT BYTES"; failures=$((failures + 1)); fi
  echo "training job: baseline exit ${baseline_codes[JOBS]}, disturbed exit ${disturbed_codes[JOBS]}: $verdict"
fi
if [[ -f $work/logs/rolling-exit-codes ]]; then echo "rolling restart: silo exit codes $(tr '\n' ' ' < "$work/logs/rolling-exit-codes")"; fi
if [[ -n ${SPOOL_SETTING:-} ]]; then
  retention_end=$((SECONDS + ${SPOOL_RETENTION:-0}))
  until left=$(find "$work/spool" -type f | wc -l); (( left == 0 || SECONDS >= retention_end )); do sleep 5; done
  log "spool: $left files left"
  echo "spool after retention: $left files"; (( left == 0 )) || failures=$((failures + 1))
fi
echo "SUMMARY mode=$mode device=$DEVICE jobs=$JOBS disturbances=$(cat "$work/logs/events") failed=$failures streams-broken=${streams_broken:-0}"
(( failures == 0 ))
