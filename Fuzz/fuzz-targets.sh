#!/usr/bin/env bash
# Fuzzes each target on its own for SECONDS and reports, per target, the inputs executed, the coverage reached
# (libFuzzer's edges and features) and the corpus size; a crashing input is saved as ARTIFACTS/<target>/crash-…
#
# usage: Fuzz/fuzz-targets.sh FUZZER CORPUS_ROOT ARTIFACTS SECONDS "TARGET…" [LIBFUZZER_OPTION…]
# Exit status 1 when any target found a crash (the others still run).
set -u
fuzzer=$1 corpus_root=$2 artifacts=$3 seconds=$4 targets=$5
shift 5
report="$artifacts/report.txt"
mkdir -p "$artifacts"
failed=0
printf '%-20s %12s %10s %8s %8s  %s\n' target inputs inputs/s edges corpus result | tee "$report"
for target in $targets; do
    mkdir -p "$corpus_root/$target" "$artifacts/$target"
    log="$artifacts/$target/fuzz.log"
    # Swift's own backtracer would run under AddressSanitizer after a crash and be reported as a second one.
    SWIFT_BACKTRACE=enable=no NETCON_FUZZ_TARGET=$target "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target/" "$@" "$corpus_root/$target" > "$log" 2>&1
    status=$?
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    result=ok
    if [ "$status" != 0 ]; then
        result="CRASH (exit $status): $(ls "$artifacts/$target" | grep -v fuzz.log | head -1)"
        failed=1
    fi
    printf '%-20s %12s %10s %8s %8s  %s\n' "$target" "${executed:-?}" "${rate:-?}" "${edges:-?}" \
        "$(ls "$corpus_root/$target" | wc -l)" "$result" | tee -a "$report"
done
echo "report: $report (logs: $artifacts/<target>/fuzz.log)"
exit $failed
