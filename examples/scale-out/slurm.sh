#!/bin/bash
# Slurm: an array job scans the shards (task i scans shard i of the array's size);
# slurm-merge.sh merges the parts once every task has finished:
#
#   AS_OF=$(date -u +%F) jobid=$(sbatch --parsable --export=ALL,AS_OF slurm.sh)
#   sbatch --dependency=afterok:$jobid --export=ALL,AS_OF slurm-merge.sh
#
# INPUTS, CONFIG and PARTS are on a file system every node mounts at the same path;
# GDPR_AUDIT_KEY is exported from the submitting shell (one key for all shards).
#SBATCH --job-name=gdpr-audit-shard
#SBATCH --array=1-16
#SBATCH --cpus-per-task=2
#SBATCH --mem=512M
#SBATCH --time=08:00:00
set -eu
: "${INPUTS:=/shared/audit/inputs}" "${CONFIG:=/shared/audit/gdpr-audit.yaml}" "${PARTS:=/shared/audit/parts}"
SHARDS=${SHARDS:-$SLURM_ARRAY_TASK_COUNT}
mkdir -p "$PARTS"
gdpr-audit scan "$INPUTS" --config "$CONFIG" --as-of "$AS_OF" --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --quiet --output "$PARTS/part-$SLURM_ARRAY_TASK_ID.jsonl"
