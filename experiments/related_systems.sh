#!/usr/bin/env bash
# The related attention-hashing systems beside ASH, each with its own paper's loss, on the three
# synthetic sets: 3 seeds per cell, K = 12, r = 0.5, runs launched in parallel, then one report.
#
#   experiments/related_systems.sh OUT_DIR [PARALLEL_JOBS] [overrides...]
#   experiments/related_systems.sh multirun/related 8 trainer=gpu        # the GPU setting we ran
#
# Every run is `python -m ash_lightning system=<system> data=<data> seed=<seed> [overrides]`
# (METHOD_KEY=model runs `model=<name>` instead, e.g. the paper's baselines beside them:
#   METHOD_KEY=model SYSTEMS="lsh itq mhf dpsh dsh drh ash_l" experiments/related_systems.sh ...);
# `python -m ash_lightning.report OUT_DIR/*/ --out OUT_DIR/report` regenerates the report.
set -euo pipefail
out=${1:?usage: experiments/related_systems.sh OUT_DIR [PARALLEL_JOBS] [overrides...]}
parallel=${2:-2}
shift $(($# < 2 ? $# : 2))
python=${PYTHON:-python}
systems=${SYSTEMS:-ash_u ath mirror agdh}
method_key=${METHOD_KEY:-system}
datasets=${DATASETS:-synthetic_asoct synthetic_fundus synthetic_fundus_multilabel}
seeds=${SEEDS:-0 1 2}

mkdir -p "$out"
for data in $datasets; do
  for system in $systems; do
    for seed in $seeds; do
      echo "$data $system $seed"
    done
  done
done | OUT="$out" PYTHON="$python" KEY="$method_key" EXTRA="$(printf '%q ' "$@")" xargs -P "$parallel" -L 1 bash -c '
  data=$1 system=$2 seed=$3
  run="$OUT/$data/$system/$seed"
  mkdir -p "$run"
  if eval "\"\$PYTHON\" -m ash_lightning $KEY=$system data=$data seed=$seed \
      hydra.run.dir=\"\$run\" \"~callbacks.model_checkpoint\" \
      trainer.enable_progress_bar=false $EXTRA" >"$run/log.txt" 2>&1; then
    echo "done   $data $system seed $seed"
  else
    echo "FAILED $data $system seed $seed (see $run/log.txt)"
  fi
' _

"$python" -m ash_lightning.report "$out"/*/ --out "$out/report"
