#!/usr/bin/env bash
# Runs every fuzz target for N executions; prints the final stats line of each.
cd "$(dirname "$0")"
N=${1:-1000000}
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O 2>&1 | tail -1
for t in $(ls fuzz_targets | sed 's/\.rs$//'); do
  out=$(cargo fuzz run -O "$t" -- -runs="$N" -max_len=4096 -print_final_stats=1 2>&1)
  rc=$?
  execs=$(echo "$out" | grep -E 'stat::number_of_executed_units' | awk '{print $2}')
  cov=$(echo "$out" | grep -E '^#[0-9]+[[:space:]]+DONE' | grep -oE 'cov: [0-9]+' | head -1)
  echo "$t rc=$rc executions=$execs $cov"
  [ $rc -ne 0 ] && echo "$out" | tail -30
done
