#!/bin/sh
# Data-parallel scaling on this machine: the same RFKD distillation epochs (PCT student,
# a small PoolingCrack teacher, synthetic 128x128 cracks, batch 2 per rank) with one
# process on cores/N threads, one process on all cores, and N processes (Gloo over
# loopback) on cores/N threads each. Prints training samples/s of each and the
# data-parallel efficiency. Run by hand:
#
#   tests/bench/scaling/run_scaling.sh [build/bin/crackkd] [N=2]
set -eu
crackkd=${1:-build/bin/crackkd}
n=${2:-2}
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/scaling.toml" <<'TOML'
[pipeline]
name = "scaling"
seed = 1
[datasets.train]
plugin = "synthetic_cracks"
count  = 96
size   = 128
[models.teacher]
plugin        = "poolingcrack"
channels      = [32, 64, 160, 256]
depths        = [2, 2, 4, 2]
decoder_width = 64
[models.student]
plugin = "pct"
[stages.teacher]              # one short epoch: only a checkpoint to distil from
kind   = "train"
model  = "teacher"
data   = "train"
epochs = 1
[stages.distill]
kind      = "distill"
teacher   = "teacher"
student   = "student"
data      = "train"
distiller = { plugin = "rfkd" }
epochs    = 3
TOML
rate() {  # mean samples/s of the distill epochs after the first (warm-up)
  grep "distill epoch [0-9]*/3: " "$1" | tail -n 2 | sed 's/.* \([0-9.]*\) training samples\/s.*/\1/' |
    awk '{ s += $1 } END { printf "%.2f", s / NR }'
}
per=$((cores / n > 0 ? cores / n : 1))
"$crackkd" run "$work/scaling.toml" --workdir "$work/single" --set pipeline.threads="$per" > "$work/single.log" 2>&1
"$crackkd" run "$work/scaling.toml" --workdir "$work/one" --set pipeline.threads="$cores" > "$work/one.log" 2>&1
"$crackkd" run "$work/scaling.toml" --workdir "$work/many" --set pipeline.threads="$per" \
  --nproc "$n" --master 127.0.0.1:29571 > "$work/many.log" 2>&1
single=$(rate "$work/single.log")
one=$(rate "$work/one.log")
many=$(rate "$work/many.log")
echo "distill (PCT from a 2.8 M-parameter PoolingCrack, RFKD, 128x128, batch 2 per rank), $cores cores"
echo "  1 process  x $per thread(s):  $single samples/s"
echo "  1 process  x $cores thread(s):  $one samples/s"
echo "  $n processes x $per thread(s):  $many samples/s"
awk -v s="$single" -v a="$one" -v b="$many" -v n="$n" 'BEGIN {
  printf "  data-parallel efficiency %.0f %% (%d processes against %d x one process of the same threads)\n", 100 * b / (n * s), n, n
  printf "  %d processes against one process on all cores: %.2fx\n", n, b / a }'
