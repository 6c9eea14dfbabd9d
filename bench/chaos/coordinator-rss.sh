#!/usr/bin/env bash
# Peak RSS of each process of a multi-process farm for one big render (issue 12, "Memory"): Redis, a coordinator silo
# (no devices: it hosts the job's coordinator), a device silo with a simulated device that takes no time, and a
# gateway (`serve --redis`) fed by the CLI. Prints VmHWM (the kernel's peak resident set) of every process once the
# render is written. HOSTS=PATH takes the built hosts of another checkout (e.g. an older commit's worktree);
# COORDINATOR_ENV="NAME=VALUE …" sets environment variables on the coordinator's silo only (e.g. a GC heap cap, as a
# container memory limit would); KEEP=DIR copies the rendered JPEG and the logs there; the render is given
# TIMEOUT seconds (default 900). DIAG=DIR (needs dotnet-counters and dotnet-gcdump on PATH) records the coordinator
# silo's GC counters during the render and a heap dump of it after.
#
#   bench/chaos/coordinator-rss.sh [megapixels=100]
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
hosts=${HOSTS:-$root}
mp=${1:-100}
silo_dll=$hosts/src/Hosts/OrleansStyle.Silo/bin/Release/net10.0/orleans-style-silo.dll
cli_dll=$hosts/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style.dll
for f in "$silo_dll" "$cli_dll"; do [[ -f $f ]] || { echo "missing $f: build the hosts first" >&2; exit 2; }; done
work=$(mktemp -d /tmp/coordinator-rss-XXXXXX)
mkdir -p "$work"/{redis,spool,models}
cp "$root"/models/multi4.safetensors "$work/models/"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
declare -a pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# 4:3 at the asked size (100 MP: 11547×8660), from a bundled photo.
width=$(python3 -c "import math; print(int(math.sqrt($mp * 1e6 * 4 / 3)))"); height=$((width * 3 / 4))
ffmpeg -loglevel error -i "$root/samples/content/garden.jpg" -vf "scale=$width:$height" -q:v 3 "$work/big.jpg" ||
  { echo "ffmpeg could not write a ${width}×${height} JPEG (its encoder refuses pictures of 268 MP and more)" >&2; exit 2; }

redis_port=$(free_port); gateway_port=$(free_port); cluster="rss-$$"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/redis" > "$work/redis.log" 2>&1 &
pids+=($!)
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $redis_port), 1)" 2>/dev/null; do sleep 0.2; done
declare -a silo_pid metrics
for i in 0 1; do
  metrics[i]=$(free_port)
  if ((i == 0)); then role=(--OrleansStyle:Devices:Announce=false); else role=(--OrleansStyle:Devices:Devices:0=sim:0 --OrleansStyle:Devices:SimulatedLatency=00:00:00 --OrleansStyle:Devices:SimulatedLatencyPerExtraTile=00:00:00); fi
  env=(); if ((i == 0)); then read -ra env <<< "${COORDINATOR_ENV:-}"; fi
  env "${env[@]}" dotnet "$silo_dll" --OrleansStyle:Cluster:Membership=Redis "--OrleansStyle:Cluster:Redis=127.0.0.1:$redis_port" "--OrleansStyle:Cluster:ClusterId=$cluster" \
    --OrleansStyle:Cluster:AdvertisedAddress=127.0.0.1 "--OrleansStyle:Cluster:SiloPort=$(free_port)" "--OrleansStyle:Cluster:GatewayPort=$(free_port)" \
    "--OrleansStyle:Telemetry:Port=${metrics[i]}" "--OrleansStyle:Models:Directory=$work/models" "--OrleansStyle:Spool:Path=$work/spool" \
    "${role[@]}" --Logging:LogLevel:Default=Warning --Logging:LogLevel:OrleansStyle=Information > "$work/silo$i.log" 2>&1 &
  silo_pid[i]=$!; pids+=($!)
done
for i in 0 1; do until curl -sf "http://127.0.0.1:${metrics[i]}/metrics" -o /dev/null; do sleep 0.5; done; done
OrleansStyle__Gateway__MaxMegapixels=$((mp + 20)) dotnet "$cli_dll" serve --redis "127.0.0.1:$redis_port" \
  --cluster-id "$cluster" --port "$gateway_port" --models "$work/models" --api-key "rss=rss-key-0123456789" > "$work/gateway.log" 2>&1 &
gateway_pid=$!; pids+=($!)
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $gateway_port), 1)" 2>/dev/null; do sleep 0.5; done

if [[ -n ${DIAG:-} ]]; then
  mkdir -p "$DIAG"
  dotnet-counters collect -p "${silo_pid[0]}" --refresh-interval 1 --format csv -o "$DIAG/counters.csv" --counters System.Runtime > /dev/null 2>&1 &
  pids+=($!)
fi
started=$SECONDS
timeout "${TIMEOUT:-900}" dotnet "$cli_dll" render "$work/big.jpg" --gateway "http://127.0.0.1:$gateway_port" --api-key rss-key-0123456789 --model multi4 --style starry_night --size 0 \
  --tile-size 512 -o "$work/out.jpg" > "$work/cli.log" 2>&1
code=$?
peak() { awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$1/status"; }
coordinator=$(grep -l "Job .*: model" "$work"/silo*.log | head -1)
echo "render of ${width}×${height} exited $code in $((SECONDS - started)) s (load $(cut -d' ' -f1-3 /proc/loadavg)); $(tail -1 "$work/cli.log")"
echo "coordinator's silo (silo 0, no devices) peak RSS: $(peak "${silo_pid[0]}"); device silo: $(peak "${silo_pid[1]}"); gateway: $(peak "$gateway_pid")"
echo "the job was logged by: ${coordinator##*/}; output sha256 $(sha256sum "$work/out.jpg" 2>/dev/null | cut -c1-16)"
if [[ -n ${DIAG:-} ]]; then dotnet-gcdump collect -p "${silo_pid[0]}" -o "$DIAG/coordinator.gcdump" > /dev/null 2>&1; dotnet-gcdump report "$DIAG/coordinator.gcdump" > "$DIAG/gcdump.txt" 2>&1; fi
if [[ -n ${KEEP:-} ]]; then mkdir -p "$KEEP"; cp "$work"/*.log "$KEEP"; cp "$work/out.jpg" "$KEEP" 2>/dev/null; fi
