#!/usr/bin/env bash
# Fails if completions/ or man/netcon.1 no longer match what the command definitions generate.
# Usage: scripts/check-generated.sh NETCON_BINARY MAN_DATE
set -euo pipefail
netcon=$1
man_date=$2
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
stale=0
for shell in bash zsh fish; do
  case $shell in bash) file=completions/netcon.bash ;; zsh) file=completions/_netcon ;; fish) file=completions/netcon.fish ;; esac
  "$netcon" --generate-completion-script $shell > "$scratch/$shell"
  if ! cmp -s "$scratch/$shell" "$file"; then echo "stale: $file (run make completions)"; stale=1; fi
done
swift package plugin generate-manual --date "$man_date" > "$scratch/plugin.log" 2>&1 || { cat "$scratch/plugin.log"; exit 1; }
if ! cmp -s .build/plugins/GenerateManual/outputs/netcon/netcon.1 man/netcon.1; then
  echo "stale: man/netcon.1 (run make man)"; stale=1
fi
if [ $stale = 0 ]; then echo "completions and man page match the command definitions"; fi
exit $stale
