#!/usr/bin/env bash
# Equal-budget tuning, then 3 seeds of each method's best trial, one command:
#
#   experiments/tuned_comparison.sh OUT_DIR [overrides...]
#   experiments/tuned_comparison.sh multirun/tuned data=eye_diseases_4class bits=12
#
# For each method of METHODS (its overrides below; the from-scratch ones on the recipe that
# learns on real photographs, recipe=from_scratch with in-batch pairs; the pretrained ones on
# the frozen trunk; ath, mirror and agdh as released):
#   1. `python -m ash_lightning hparams_search=optuna <method> [overrides]` into OUT_DIR/<method>/search:
#      TRIALS (default 12) TPE trials over optimizer.lr, optimizer.weight_decay and r (or the
#      method's margin, or neither: see `space` below), each
#      scored by its selected checkpoint's val/mAP@10, never a test metric (trials run with
#      test=false: the test split is not even encoded);
#   2. the best trial's values, read from OUT_DIR/<method>/search/optimization_results.yaml;
#   3. `python -m ash_lightning -m <method> <best values> seed=SEEDS [overrides]` into
#      OUT_DIR/<method>/best, each seed tested once by its best-validation checkpoint.
# Then one report over every OUT_DIR/*/best, also of earlier calls with other METHODS, into
# OUT_DIR/report.md (`python -m ash_lightning.report --out OUT_DIR OUT_DIR/*/best`).
# SEARCH holds overrides for the searches only, never the seeded reruns, and wins over the
# search space below: for example SEARCH='r=interval(0.2,0.4)' searches r over other values.
# One failing method is reported and the others go on; the exit status is 1 if any failed.
set -uo pipefail
out=${1:?usage: experiments/tuned_comparison.sh OUT_DIR [overrides...]}
shift
python=${PYTHON:-python}
trials=${TRIALS:-12}
seeds=${SEEDS:-0,1,2}
read -r -a search_only <<<"${SEARCH:-}"
declare -A methods=(
  [ash_u]="model=ash_u loss=in_batch_contrastive recipe=from_scratch"
  [ash_l]="model=ash_l loss=in_batch_contrastive recipe=from_scratch"
  [dpsh]="system=dpsh"
  [dpsh_a]="system=dpsh_a"
  [dsh]="system=dsh"
  [dsh_a]="system=dsh_a"
  [drh]="system=drh"
  [ath]="system=ath"
  [mirror]="system=mirror"
  [agdh]="system=agdh"
  [ash_pretrained]="system=ash_pretrained"
  [pretrained]="system=pretrained"
  [dpsh_pretrained]="system=dpsh_pretrained"
  [dpsh_a_pretrained]="system=dpsh_a_pretrained"
  [dsh_pretrained]="system=dsh_pretrained"
  [dsh_a_pretrained]="system=dsh_a_pretrained"
  [drh_pretrained]="system=drh_pretrained"
  [ash_l_pretrained]="system=ash_l_pretrained"
  [mirror_pretrained]="system=mirror_pretrained"
  [agdh_pretrained]="system=agdh_pretrained"
  [ath_pretrained]="system=ath_pretrained"
)
# The third searched value: r where the loss reads it (the contrastive losses, ATH's triplet
# loss); mirror attention's own margin instead; nothing for DPSH's and AGDH's likelihoods and
# DSH's loss, which read neither (DSH's margin stays its paper's 2K).
no_r="~hydra.sweeper.params.r"
# ATH's released distance is a per-bit mean, at most 4 at every K, and its margin is r K: a
# fixed range of r would mean other margins at each K (at K = 48, r of 0.1-0.9 puts every margin
# out of the distance's reach). Its r is searched over the margins r K of 1.2-10.8 at every K,
# which is r of 0.1-0.9 at K = 12, where its K = 12 results were searched.
order=${METHODS:-ash_u ash_l dpsh dpsh_a dsh dsh_a drh ath mirror agdh ash_pretrained pretrained dpsh_pretrained dpsh_a_pretrained dsh_pretrained dsh_a_pretrained drh_pretrained ash_l_pretrained mirror_pretrained agdh_pretrained ath_pretrained}
# K is composed with ATH's overrides only when ATH runs: other methods' overrides need not fit it.
ath_space=
if [[ " $order " == *" ath "* ]]; then
  # shellcheck disable=SC2086  # ATH's overrides, as below
  bits=$("$python" -m ash_lightning ${methods[ath]} "$@" --cfg job --package bits) || exit 2
  ath_space=$(awk -v k="$bits" 'BEGIN { printf "r=interval(%g,%g)", 1.2 / k, 10.8 / k }')
fi
declare -A space=(
  [dpsh]=$no_r [dpsh_a]=$no_r [dsh]=$no_r [dsh_a]=$no_r [agdh]=$no_r
  [dpsh_pretrained]=$no_r [dpsh_a_pretrained]=$no_r [dsh_pretrained]=$no_r
  [dsh_a_pretrained]=$no_r [agdh_pretrained]=$no_r
  [mirror]="$no_r loss.margin=interval(0.05,0.5)"
  [mirror_pretrained]="$no_r loss.margin=interval(0.05,0.5)"
  [ath]=$ath_space
)
failed=0
mkdir -p "$out"
for name in $order; do
  spec=${methods[$name]:?unknown method $name (one of: ${!methods[*]})}
  started=$(date +%s)
  search="$out/$name/search"
  # shellcheck disable=SC2086  # $spec and the search space hold several overrides
  if ! "$python" -m ash_lightning hparams_search=optuna $spec ${space[$name]:-} "${search_only[@]}" "hydra.sweeper.n_trials=$trials" \
      "hydra.sweep.dir=$search" trainer.enable_progress_bar=false "$@" >"$out/$name.search.log" 2>&1; then
    echo "FAILED $name: search (see $out/$name.search.log)"; failed=1; continue
  fi
  mapfile -t best < <("$python" -c '
import sys
from omegaconf import OmegaConf
for key, value in OmegaConf.load(sys.argv[1]).best_params.items():
    print(f"{key}={value}")' "$search/optimization_results.yaml")
  # shellcheck disable=SC2086
  if ! "$python" -m ash_lightning -m $spec "${best[@]}" "seed=$seeds" "hydra.sweep.dir=$out/$name/best" \
      trainer.enable_progress_bar=false "$@" >"$out/$name.best.log" 2>&1; then
    echo "FAILED $name: seeds (see $out/$name.best.log)"; failed=1; continue
  fi
  echo "done   $name: ${best[*]} ($(( $(date +%s) - started )) s)"
done
shopt -s nullglob
finished=("$out"/*/best)
if (( ${#finished[@]} )) && ! "$python" -m ash_lightning.report --quiet --out "$out" "${finished[@]}"; then
  echo "FAILED report over ${finished[*]}"; failed=1
fi
exit $failed
