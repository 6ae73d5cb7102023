#!/usr/bin/env bash
# Deep and shallow hashing on the public 4-class fundus set (shared/data/eye_diseases_4class),
# the paper's 10 % query protocol, 3 seeds, one run at a time (2 CPU cores). Every run is
# `python -m ash_lightning <method overrides> data=eye_diseases_4class seed=<seed> bits=<K>
# hydra.run.dir=<run>`, with <run> = OUT/<name>/<seed> at K = 12 and OUT/<name>/k<K>/<seed>
# otherwise; experiments/real_images_table.py tabulates them. A run folder that already holds
# a results.json is kept, so an interrupted script picks up where it stopped. A failed run is
# reported and the others go on; the exit status is 1 if any failed.
#
#   experiments/real_images.sh OUT_DIR [overrides...]
#   experiments/real_images.sh multirun/real_images            # 64 px, the from-scratch rows
#   METHODS="ash_pretrained_recipe itq_pretrained" experiments/real_images.sh multirun/real_images_224 data.image_size=224
#   BITS=48 METHODS="itq_pretrained ash_pretrained_recipe" experiments/real_images.sh multirun/real_images_224 data.image_size=224
set -euo pipefail
out=${1:?usage: experiments/real_images.sh OUT_DIR [overrides...]}
shift
python=${PYTHON:-python}
seeds=${SEEDS:-0 1 2}
bits=${BITS:-12}
failed=0
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
  [drh_pretrained_recipe]="system=drh_pretrained"
  [ash_l_pretrained_recipe]="system=ash_l_pretrained"
  [mirror_pretrained_recipe]="system=mirror_pretrained"
  [mirror_pretrained_recipe_8_epochs]="system=mirror_pretrained trainer.max_epochs=8"
  [agdh_pretrained_recipe]="system=agdh_pretrained"
  [ath_pretrained_recipe]="system=ath_pretrained"
  [ath_pretrained_released_distance]="system=ath_pretrained loss.distance=mean_squared r=0.5"
  [ash_l_adam]="model=ash_l optimizer=adam optimizer.lr=0.0001"
  [dpsh_adam]="model=dpsh optimizer=adam optimizer.lr=0.0001"
  [dpsh_in_batch_adam]="system=dpsh"
  [dpsh_a_in_batch_adam]="system=dpsh_a"
  [dsh_in_batch_adam]="system=dsh"
  [dsh_a_in_batch_adam]="system=dsh_a"
  [drh_in_batch_adam]="system=drh"
  [ash_u_in_batch_adam]="model=ash_u loss=in_batch_contrastive recipe=from_scratch"
  [ash_l_in_batch_adam]="model=ash_l loss=in_batch_contrastive recipe=from_scratch"
  [dpsh_a_adam]="model=dpsh_a optimizer=adam optimizer.lr=0.0001"
  [dsh_adam]="model=dsh optimizer=adam optimizer.lr=0.0001"
  [dsh_a_adam]="model=dsh_a optimizer=adam optimizer.lr=0.0001"
  [drh_adam]="model=drh optimizer=adam optimizer.lr=0.0001"
  [ath_system]="system=ath"
  [ath_system_differing_bits]="system=ath loss.distance=hamming r=0.25"
  [ath_system_differing_bits_bn]="system=ath loss.distance=hamming r=0.25 model.head.batch_norm=true"
  [ath_system_differing_bits_adam]="system=ath loss.distance=hamming r=0.25 model.head.batch_norm=true optimizer=adam optimizer.lr=0.0001"
  [ath_system_differing_bits_warmup]="system=ath loss.distance=hamming r=0.25 scheduler=warmup scheduler.total_iters=200"
  [mirror_system]="system=mirror"
  [agdh_system]="system=agdh"
)
order=${METHODS:-itq_pixels mhf_pixels itq_pretrained lsh_pretrained mhf_pretrained knn_pretrained ash_u_adam ash_pretrained ash_pretrained_recipe pretrained_recipe dpsh_pretrained_recipe dpsh_a_pretrained_recipe dsh_pretrained_recipe dsh_a_pretrained_recipe drh_pretrained_recipe ash_l_pretrained_recipe mirror_pretrained_recipe agdh_pretrained_recipe ath_pretrained_recipe ash_l_adam dpsh_adam dpsh_a_adam dsh_adam dsh_a_adam drh_adam ash_u_in_batch_adam ash_l_in_batch_adam dpsh_in_batch_adam dpsh_a_in_batch_adam dsh_in_batch_adam dsh_a_in_batch_adam drh_in_batch_adam ath_system ath_system_differing_bits ath_system_differing_bits_bn ath_system_differing_bits_adam ath_system_differing_bits_warmup mirror_system agdh_system}
for name in $order; do
  for seed in $seeds; do
    run="$out/$name/$seed"
    [ "$bits" = 12 ] || run="$out/$name/k$bits/$seed"
    if [ -f "$run/results.json" ]; then
      echo "kept   $name K=$bits seed $seed ($run/results.json exists)"
      continue
    fi
    mkdir -p "$run"
    started=$(date +%s)
    if "$python" -m ash_lightning ${methods[$name]} data=eye_diseases_4class seed="$seed" bits="$bits" \
        hydra.run.dir="$run" trainer.enable_progress_bar=false "$@" >"$run/log.txt" 2>&1; then
      echo "done   $name K=$bits seed $seed ($(( $(date +%s) - started )) s)"
    else
      echo "FAILED $name K=$bits seed $seed (see $run/log.txt)"; failed=1
    fi
  done
done
exit $failed
