#!/usr/bin/env bash
# Deep and shallow hashing on the public 4-class fundus set (shared/data/eye_diseases_4class),
# the paper's 10 % query protocol, K = 12, 3 seeds, one run at a time (2 CPU cores), then the
# report. Every run is `python -m ash_lightning <method overrides> data=eye_diseases_4class
# seed=<seed> bits=12 hydra.run.dir=OUT/<name>/<seed>`.
#
#   experiments/real_images.sh OUT_DIR [overrides...]
#   experiments/real_images.sh multirun/real_images            # the CPU setting we ran (64 px)
set -euo pipefail
out=${1:?usage: experiments/real_images.sh OUT_DIR [overrides...]}
shift
python=${PYTHON:-python}
seeds=${SEEDS:-0 1 2}
declare -A methods=(
  [itq_pixels]="model=itq"
  [mhf_pixels]="model=mhf"
  [itq_pretrained]="model=itq model/features=pretrained"
  [lsh_pretrained]="model=lsh model/features=pretrained"
  [mhf_pretrained]="model=mhf model/features=pretrained"
  [knn_pretrained]="system=knn"
  [ash_u_adam]="model=ash_u optimizer=adam optimizer.lr=0.0001"
  [ash_pretrained]="model=ash_pretrained optimizer=adam optimizer.lr=0.0001 model.trunk.freeze_stages=5 trainer.max_epochs=3"
  [ash_pretrained_recipe]="system=ash_pretrained"
  [pretrained_recipe]="system=pretrained"
  [dpsh_pretrained_recipe]="system=dpsh_pretrained"
  [dpsh_a_pretrained_recipe]="system=dpsh_a_pretrained"
  [dsh_pretrained_recipe]="system=dsh_pretrained"
  [dsh_a_pretrained_recipe]="system=dsh_a_pretrained"
  [pretrained_no_attention]="model=pretrained optimizer=adam optimizer.lr=0.0001 model.trunk.freeze_stages=5 trainer.max_epochs=3"
)
order=${METHODS:-itq_pixels mhf_pixels itq_pretrained lsh_pretrained mhf_pretrained knn_pretrained ash_u_adam ash_pretrained pretrained_no_attention ash_pretrained_recipe pretrained_recipe dpsh_pretrained_recipe dpsh_a_pretrained_recipe dsh_pretrained_recipe dsh_a_pretrained_recipe}
for name in $order; do
  for seed in $seeds; do
    run="$out/$name/$seed"
    mkdir -p "$run"
    started=$(date +%s)
    if "$python" -m ash_lightning ${methods[$name]} data=eye_diseases_4class seed="$seed" bits=12 \
        hydra.run.dir="$run" trainer.enable_progress_bar=false "$@" >"$run/log.txt" 2>&1; then
      echo "done   $name seed $seed ($(( $(date +%s) - started )) s)"
    else
      echo "FAILED $name seed $seed (see $run/log.txt)"
    fi
  done
done
