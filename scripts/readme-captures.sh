#!/usr/bin/env bash
# Regenerates the screen captures in README.md: runs the release binary in a
# private tmux server at 80 and 120 columns on the bundled tracker (with a
# fixed --today) and prints each screen as tmux capture-pane shows it.
# Usage: scripts/readme-captures.sh > /tmp/captures.txt
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN="$PWD/target/release/shibei-tracker"
TODAY=2026-11-22
SOCK="readme-captures-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true' EXIT

# capture WIDTH HEIGHT TITLE KEYS...: starts the interface, sends the keys
# (one tmux send-keys each, with a pause to let it draw), prints the screen.
capture() {
  local w=$1 h=$2 title=$3; shift 3
  tmux -L "$SOCK" kill-server 2>/dev/null || true; sleep 0.3
  tmux -L "$SOCK" new-session -d -s cap -x "$w" -y "$h" \
    "'$BIN' --file tracker.yaml --today $TODAY; sleep 30"
  sleep 0.6
  for k in "$@"; do
    tmux -L "$SOCK" send-keys -t cap "$k"
    sleep 0.25
  done
  sleep 0.4
  echo "=== $title (${w}x${h})"
  tmux -L "$SOCK" capture-pane -p -t cap | sed -e 's/[[:space:]]*$//'
}

# cli WIDTH TITLE ARGS...: a command in a terminal of that width.
cli() {
  local w=$1 title=$2; shift 2
  tmux -L "$SOCK" kill-server 2>/dev/null || true; sleep 0.3
  tmux -L "$SOCK" new-session -d -s cap -x "$w" -y 40 \
    "'$BIN' --file tracker.yaml --today $TODAY $*; sleep 30"
  sleep 0.8
  echo "=== $title (${w} columns)"
  tmux -L "$SOCK" capture-pane -p -t cap | sed -e 's/[[:space:]]*$//' | sed -e '/^$/d'
}

for w in 120 80; do
  capture "$w" 12 "Projects, /rhl" / r h l Enter
  capture "$w" 24 "Project details" / r h l Enter Enter
  capture "$w" 16 "Goals, /2024" 2 / 2 0 2 4 Enter
  capture "$w" 24 "Chains" 3
  capture "$w" 16 "Projects as a tree, /renhe" / r e n h e Enter T
  capture "$w" 16 "Sources" 4
  capture "$w" 24 "Sources, a report read" 4 Enter
  cli "$w" "list --filter chain:数字" list --filter chain:数字
  cli "$w" "progress --chain 现代金融" progress --chain 现代金融
done
