#!/bin/bash
# Runs a queue of training runs one after another, each resumable, for seed and cross-validation
# studies. Start one queue per free core on the same file: a run being trained by one is skipped
# by the others; a session that ends mid-run continues it with --resume next time.
#
#   RUNS=/path/to/runs CAPTIONS=.../captions.json bash scripts/run-queue.sh QUEUE_FILE
#
# Each line of QUEUE_FILE: NAME TRAIN DEV TEST [trimod train options...]   → RUNS/NAME/{run,dev.json,test.json,done}
#                      or: ref-NAME DATA_DIR [trimod_ref.py options...]     → RUNS/ref-NAME/result.json (the PyTorch
#                          reference; REF_SCRIPT and REF_EMBEDDINGS say where it and its glove.npy are, PYTHON
#                          which python3 has torch).
# Summarise with: npx tsx scripts/summarise-runs.ts RUNS
set -u
Q=$1
: "${RUNS:?set RUNS to the runs folder}" "${CAPTIONS:?set CAPTIONS to the captions JSON}"
TRIMOD=${TRIMOD:-npx trimod}
PYTHON=${PYTHON:-python3}  # one with torch (Debian's python3-torch: /usr/bin/python3)

train_one() {
  local name=$1 train=$2 dev=$3 test=$4; shift 4
  local d=$RUNS/$name resume=""
  [ -d "$d/run/checkpoint" ] && resume="--resume"
  echo "$(date -u +%FT%TZ) start $name $resume $*" >> "$RUNS/queue.log"
  $TRIMOD train --train "$train" --dev "$dev" --captions "$CAPTIONS" --backend wasm --out "$d/run" $resume "$@" >> "$d/train.log" 2>&1 || return 1
  $TRIMOD eval --model "$d/run/model" --data "$dev" --captions "$CAPTIONS" --backend wasm --json > "$d/dev.json" 2>> "$d/train.log" || return 1
  $TRIMOD eval --model "$d/run/model" --data "$test" --captions "$CAPTIONS" --backend wasm --json > "$d/test.json" 2>> "$d/train.log" || return 1
}

ref_one() {
  local name=$1 data=$2; shift 2
  echo "$(date -u +%FT%TZ) start $name $*" >> "$RUNS/queue.log"
  OMP_NUM_THREADS=1 "$PYTHON" "${REF_SCRIPT:?}" --mode text --data "$data" --embeddings "${REF_EMBEDDINGS:?}" --epochs 40 --out "$RUNS/$name/result.json" "$@" > "$RUNS/$name/train.log" 2>&1
}

while true; do
  line=""
  while read -r l; do
    n=${l%% *}
    [ -z "$n" ] && continue
    [ -e "$RUNS/$n/done" ] || [ -e "$RUNS/$n/failed" ] && continue
    # Claimed by a queue that is still running (a claim left by a stopped session does not count).
    [ -e "$RUNS/$n/claimed" ] && kill -0 "$(cat "$RUNS/$n/claimed")" 2>/dev/null && continue
    line=$l
    break
  done < "$Q"
  [ -z "$line" ] && break
  n=${line%% *}
  mkdir -p "$RUNS/$n" && echo $$ > "$RUNS/$n/claimed"
  # shellcheck disable=SC2086 # the line's words are the arguments
  case $n in
    ref-*) ref_one $line ;;
    *) train_one $line ;;
  esac && touch "$RUNS/$n/done" || { touch "$RUNS/$n/failed"; echo "$(date -u +%FT%TZ) FAIL $n" >> "$RUNS/queue.log"; }
  [ -e "$RUNS/$n/done" ] && echo "$(date -u +%FT%TZ) done $n" >> "$RUNS/queue.log"
  rm -f "$RUNS/$n/claimed"
done
