#!/usr/bin/env bash
# Single-node Kafka (KRaft) for local dev and CI, without Docker: the broker jars
# come from Maven Central through tools/kafka/pom.xml.
#
#   tools/kafka/kafka.sh start|stop|status
#   tools/kafka/kafka.sh jars   (only fetches the jars, for brokers configured elsewhere)
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
#      KAFKA_DATA_DIR (<repo>/.data/kafka: config, data, logs, pid),
#      KAFKA_LIB_DIR (<repo>/.data/kafka/lib: shared by every data dir),
#      KAFKA_HEAP_OPTS (-Xmx768m -Xms256m), KAFKA_START_TIMEOUT (90 seconds).
# The controller port is baked into the data dir at format time: to change it,
# use a fresh KAFKA_DATA_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORT=${KAFKA_PORT:-9092}
CPORT=${KAFKA_CONTROLLER_PORT:-9093}
DATA=$(realpath -m "${KAFKA_DATA_DIR:-$ROOT/.data/kafka}")
LIB=$(realpath -m "${KAFKA_LIB_DIR:-$ROOT/.data/kafka/lib}")
PIDFILE=$DATA/kafka.pid
LOGS=$DATA/logs
CONF=$DATA/server.properties
JAVA_LOG_OPTS=(-Dlog4j2.configurationFile="$HERE/log4j2.properties" -Dkafka.logs.dir="$LOGS")

now_ms() { date +%s%3N; }
T0=$(now_ms)

# A zombie still answers kill -0, and PID 1 of a container may never reap it.
alive() { kill -0 "$1" 2>/dev/null && [[ $(ps -o stat= -p "$1" 2>/dev/null) != Z* ]]; }

# Prints the broker pid if the pid file points at a live kafka.Kafka (pids get reused).
broker_pid() {
  local pid
  [[ -f $PIDFILE ]] && pid=$(<"$PIDFILE") && [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" &&
    ps -o args= -p "$pid" | grep -q 'kafka\.Kafka' && echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sends a real Metadata v4 request and expects correlation id 1 and >= 1 broker back.
# A bare TCP connect is not enough: the kernel accepts into the backlog before
# Kafka serves requests (it only does so once the broker is unfenced).
ready() {
  local out
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "\x00\x00\x00\x10\x00\x03\x00\x04\x00\x00\x00\x01\x00\x01k\x00\x00\x00\x00\x00" >&3 &&
    head -c 16 <&3' _ "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n') || return 1
  [[ ${#out} -eq 32 && ${out:8:8} == 00000001 && ${out:24:8} != 00000000 ]]
}

fail() {
  echo "kafka: $*" >&2
  for f in "$LOGS/server.log" "$LOGS/stdout.log"; do
    [[ -s $f ]] && { echo "--- tail of $f" >&2; tail -n 40 "$f" >&2; }
  done
  exit 1
}

fetch_jars() {
  local want
  want=$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)
  [[ -f $LIB/.pom.sha256 && $(<"$LIB/.pom.sha256") == "$want" ]] && return 0
  echo "kafka: fetching broker jars into $LIB"
  rm -rf "$LIB.tmp"
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB.tmp" \
    >"$LOGS/maven.log" 2>&1 || { cat "$LOGS/maven.log" >&2; fail "maven could not fetch the broker jars"; }
  echo "$want" >"$LIB.tmp/.pom.sha256"
  # Swap in whole so an interrupted fetch never leaves a half-filled lib dir.
  rm -rf "$LIB" && mv "$LIB.tmp" "$LIB"
}

# Kafka cluster ids are 16 random bytes in URL-safe base64 without padding; a
# leading '-' is avoided (Kafka does the same) as it reads like a CLI flag.
new_cluster_id() {
  local id=-
  while [[ $id == -* ]]; do id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'); done
  echo "$id"
}

wait_ready() {
  local pid=$1 deadline=$(($(now_ms) + ${KAFKA_START_TIMEOUT:-90} * 1000))
  until ready "$PORT"; do
    alive "$pid" || { rm -f "$PIDFILE"; fail "broker exited during startup"; }
    if (($(now_ms) > deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PIDFILE"
      fail "broker not ready on port $PORT after ${KAFKA_START_TIMEOUT:-90} s (killed)"
    fi
    sleep 0.3
  done
  printf 'kafka: ready on 127.0.0.1:%s (pid %s, data %s) in %s ms\n' "$PORT" "$pid" "$DATA" $(($(now_ms) - T0))
}

start() {
  mkdir -p "$DATA" "$LOGS"
  # Serialises concurrent starts (e.g. parallel test tasks); fd 9 is closed for java below.
  exec 9>"$DATA/.lock"
  flock 9

  local pid
  if pid=$(broker_pid); then
    if ready "$PORT"; then echo "kafka: already running on 127.0.0.1:$PORT (pid $pid)"; return 0; fi
    echo "kafka: pid $pid is up but not answering yet, waiting"
    wait_ready "$pid"
    return 0
  fi
  rm -f "$PIDFILE"
  for p in "$PORT" "$CPORT"; do
    port_busy "$p" && fail "port $p is already in use by another process (set KAFKA_PORT/KAFKA_CONTROLLER_PORT)"
  done
  command -v java >/dev/null || fail "java not found on PATH"

  fetch_jars
  sed -e "s|@KAFKA_PORT@|$PORT|g" -e "s|@KAFKA_CONTROLLER_PORT@|$CPORT|g" -e "s|@KAFKA_LOG_DIR@|$DATA/data|g" \
    "$HERE/server.properties.template" >"$CONF"

  if [[ ! -f $DATA/data/meta.properties ]]; then
    [[ -s $DATA/cluster.id ]] || new_cluster_id >"$DATA/cluster.id"
    echo "kafka: formatting $DATA/data (cluster id $(<"$DATA/cluster.id"))"
    java -cp "$LIB/*" "${JAVA_LOG_OPTS[@]}" kafka.tools.StorageTool format \
      -t "$(<"$DATA/cluster.id")" -c "$CONF" --standalone >"$LOGS/format.log" 2>&1 ||
      { cat "$LOGS/format.log" >&2; fail "storage format failed"; }
  fi

  # setsid: the broker must outlive this script and ignore Ctrl-C / SIGHUP sent to
  # the caller's terminal or process group.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM flags
  setsid java ${KAFKA_HEAP_OPTS:--Xmx768m -Xms256m} -XX:+UseG1GC -Djava.awt.headless=true \
    "${JAVA_LOG_OPTS[@]}" -cp "$LIB/*" kafka.Kafka "$CONF" \
    >>"$LOGS/stdout.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_ready "$pid"
}

stop() {
  local pid i
  if ! pid=$(broker_pid); then
    rm -f "$PIDFILE"
    echo "kafka: not running"
    return 0
  fi
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    echo "kafka: pid $pid ignored SIGTERM for 30 s, killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  echo "kafka: stopped (pid $pid) in $(($(now_ms) - T0)) ms"
}

status() {
  local pid
  if pid=$(broker_pid); then
    if ready "$PORT"; then
      echo "kafka: running on 127.0.0.1:$PORT (pid $pid, data $DATA)"
      return 0
    fi
    echo "kafka: pid $pid is up but port $PORT is not answering (starting or stuck)"
    return 3
  fi
  echo "kafka: not running (data $DATA, port $PORT)"
  return 3
}

jars() {
  mkdir -p "$LOGS"
  fetch_jars
}

case ${1:-} in
  start | stop | status | jars) "$1" ;;
  *)
    echo "usage: $0 start|stop|status|jars" >&2
    exit 2
    ;;
esac
