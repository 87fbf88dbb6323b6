#!/bin/bash
# The merge step of slurm.sh (submit with --dependency=afterok:<array job id>).
#SBATCH --job-name=gdpr-audit-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=256M
#SBATCH --time=01:00:00
set -eu
: "${CONFIG:=/shared/audit/gdpr-audit.yaml}" "${PARTS:=/shared/audit/parts}"
gdpr-audit merge "$PARTS" --config "$CONFIG" --format json --output "$PARTS/report.json" --fail-on none
gdpr-audit report "$PARTS/report.json" --format html --output "$PARTS/report.html"
