#!/usr/bin/env bash
# Re-measures the table of issue 17 (README, "Working as a team" →
# "Measured"): eleven ordinary concurrent edits made with the command line
# on two clones of one repository holding the bundled tracker.yaml and
# seeds/, then `git pull` on the second clone, merged
#   - by plain git (no merge driver),
#   - by mergiraf, a syntax-aware merge driver, for YAML (when installed:
#     `cargo install mergiraf`),
#   - by shibei-tracker's own driver (`shibei-tracker git-setup`).
# Prints a Markdown table; each cell says whether the pull merged, whether
# the result passes `validate`, and whether every edit of both sides is in
# it.
#
#   scripts/team-merge-table.sh                     # builds the binary
#   scripts/team-merge-table.sh path/to/shibei-tracker
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-}
if [ -z "$BIN" ]; then
    (cd "$ROOT" && cargo build --quiet)
    BIN="$ROOT/target/debug/shibei-tracker"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
MERGIRAF=$(command -v mergiraf || true)

# Only the clones' own git configuration counts.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
unset TRACKER_BY TRACKER_CACHE_DIR || true
export TRACKER_CACHE_DIR=off
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TODAY=2024-09-01

# The tracker in the current folder (a clone); what a refused edit said
# goes to the log.
LOG="$WORK/log"
tr() { "$BIN" --file tracker.yaml --today "$TODAY" "$@" >/dev/null 2>>"$LOG"; }

# A new report, outside the clones.
report() { printf '%s\n' "$2" >"$WORK/$1.txt"; echo "$WORK/$1.txt"; }

QUOTE="邮轮港城是青岛市第三个投资过千亿的重点项目"

# Each scenario: what clone a does, what clone b does, and words that
# must be in the merged file for each side's edit (one per line).
edits() {
    local scenario=$1 side=$2
    case "$scenario:$side" in
    far:a) tr set-status changsha-ningxiang-parcel-project under_construction --note "甲-far" ;;
    far:b) tr set-status business-district-building-action under_construction --note "乙-far" ;;
    adjacent:a) tr set-status cruise-port-city completed --note "甲-adjacent" ;;
    adjacent:b) tr set-status qingdao-cruise-tourism-pilot-zone stalled --note "乙-adjacent" ;;
    status-value:a) tr set-status new-materials-science-city completed --note "甲-status" ;;
    status-value:b) tr set-actual hq-firms-introduced-2024 7 --date 2024-08 --note "乙-value" ;;
    two-fields:a) tr edit visionox-project name_en "Visionox OLED line" ;;
    two-fields:b) tr edit visionox-project note "乙-note" ;;
    project-status:a) tr add-project --id alpha-park --name-zh 阿尔法园 --name-en "Alpha park" --chain digital --source r2018 --quote "$QUOTE" ;;
    project-status:b) tr set-status huadian-gas-power-units stalled --note "乙-status" ;;
    two-projects:a) tr add-project --id alpha-park --name-zh 阿尔法园 --name-en "Alpha park" --chain digital --source r2018 --quote "$QUOTE" ;;
    two-projects:b) tr add-project --id beta-park --name-zh 贝塔园 --name-en "Beta park" --chain digital --source r2018 --quote "$QUOTE" ;;
    two-goals:a) tr add-target --id alpha-goal-2025 --metric-zh 阿尔法 --metric-en "Alpha goal" --chain digital --period 2025 --comparator ">=" --target 10 --unit 家 --source r2018 --quote "$QUOTE" ;;
    two-goals:b) tr add-target --id beta-goal-2025 --metric-zh 贝塔 --metric-en "Beta goal" --chain digital --period 2025 --comparator ">=" --target 20 --unit 家 --source r2018 --quote "$QUOTE" ;;
    two-values:a) tr set-actual hq-firms-introduced-2024 7 --date 2024-07 --note "甲-value" ;;
    two-values:b) tr set-actual hq-firms-introduced-2024 8 --date 2024-08 --note "乙-value" ;;
    milestone-note:a) tr milestone visionox-project --date 2024-08-01 ;;
    milestone-note:b) tr edit visionox-project note "乙-note" ;;
    report-project:a)
        tr add-source "$(report a "市北区消息：阿尔法智慧园今年开工建设。")" --id r2025a --title 阿尔法 --published 2024-08 &&
        tr add-project --id alpha-smart-park --name-zh 阿尔法智慧园 --name-en "Alpha smart park" --chain digital --source r2025a --quote "阿尔法智慧园今年开工建设" ;;
    report-project:b)
        tr add-source "$(report b "市北区消息：贝塔数据港签约落户。")" --id r2025b --title 贝塔 --published 2024-08 &&
        tr add-project --id beta-data-port --name-zh 贝塔数据港 --name-en "Beta data port" --chain digital --source r2025b --quote "贝塔数据港签约落户" ;;
    same-field:a) tr edit visionox-project name_en "Visionox (phase 1)" ;;
    same-field:b) tr edit visionox-project name_en "Visionox OLED" ;;
    esac
}

marks() {
    case "$1" in
    far) printf '%s\n' 甲-far 乙-far ;;
    adjacent) printf '%s\n' 甲-adjacent 乙-adjacent ;;
    status-value) printf '%s\n' 甲-status 乙-value ;;
    two-fields) printf '%s\n' "Visionox OLED line" 乙-note ;;
    project-status) printf '%s\n' "id: alpha-park" 乙-status ;;
    two-projects) printf '%s\n' "id: alpha-park" "id: beta-park" ;;
    two-goals) printf '%s\n' "id: alpha-goal-2025" "id: beta-goal-2025" ;;
    two-values) printf '%s\n' 甲-value 乙-value ;;
    milestone-note) printf '%s\n' 'reached: "2024-08-01"' 乙-note ;;
    report-project) printf '%s\n' "id: alpha-smart-park" "id: beta-data-port" "id: r2025a" "id: r2025b" ;;
    same-field) printf '%s\n' "Visionox OLED" "Visionox (phase 1)" ;;
    esac
}

# Sets up a clone for `mode` (git's merge driver for tracker.yaml).
configure() {
    local mode=$1 who=$2
    git config user.name "$who"
    git config user.email "$who@example.org"
    case $mode in
    mergiraf)
        git config merge.mergiraf.name mergiraf
        git config merge.mergiraf.driver "$MERGIRAF merge --git %O %A %B -s %S -x %X -y %Y -p %P -l %L"
        ;;
    driver) "$BIN" --file tracker.yaml git-setup >/dev/null ;;
    esac
}

# Runs one scenario with one mode; prints the table cell.
run() {
    local scenario=$1 mode=$2
    local d="$WORK/$scenario-$mode"
    mkdir -p "$d"
    cd "$d"
    git init -q --bare -b main hub.git
    git clone -q hub.git a 2>/dev/null
    cd a
    cp "$ROOT/tracker.yaml" .
    cp -r "$ROOT/seeds" .
    printf '/.tracker.yaml.lock\n' >.gitignore
    [ "$mode" = mergiraf ] && printf '/tracker.yaml merge=mergiraf\n' >.gitattributes
    configure "$mode" 甲
    git add -A && git commit -q -m tracker && git push -q origin main 2>/dev/null
    cd ..
    git clone -q hub.git b
    cd b
    configure "$mode" 乙
    cd ../a
    if ! edits "$scenario" a; then
        echo "(an edit was refused: $(tail -1 "$LOG"))"
        return
    fi
    git add tracker.yaml seeds && git commit -q -m a && git push -q 2>/dev/null
    cd ../b
    if ! edits "$scenario" b; then
        echo "(an edit was refused: $(tail -1 "$LOG"))"
        return
    fi
    git add tracker.yaml seeds && git commit -q -m b
    local pulled=0
    git pull -q --no-rebase --no-edit >/dev/null 2>&1 || pulled=$?
    local valid=0
    "$BIN" --file tracker.yaml --today "$TODAY" validate >/dev/null 2>&1 || valid=$?
    local lost=0
    while IFS= read -r m; do
        grep -qF -- "$m" tracker.yaml || lost=$((lost + 1))
    done < <(marks "$scenario")
    if [ $pulled -eq 0 ]; then
        if [ $valid -ne 0 ]; then
            echo "merges, but the file does not validate"
        elif [ $lost -gt 0 ]; then
            echo "merges, **loses an edit**"
        else
            echo "merges"
        fi
    elif grep -q '^<<<<<<<' tracker.yaml; then
        echo "**conflict**: file broken (conflict markers)"
    elif [ $valid -eq 1 ] && "$BIN" --file tracker.yaml resolve | grep -q conflict && [ $lost -eq 0 ]; then
        echo "conflict listed; the file loads, both values kept"
    else
        echo "conflict"
    fi
}

ROWS=(
    "far|status of two records far apart"
    "adjacent|status of two adjacent records"
    "status-value|a status and a goal's value"
    "two-fields|two fields of one record"
    "project-status|a new project on one side and a status on the other"
    "two-projects|a new project on each side"
    "two-goals|a new goal on each side"
    "two-values|a value for the same goal on each side (different dates)"
    "milestone-note|a milestone reached on one side, the note edited on the other"
    "report-project|a new report (\`add-source\`) and a project citing it on each side"
    "same-field|the same field set to two different values (a true conflict)"
)

MODES=(plain driver)
HEAD="| concurrent edits on two clones | plain git |"
RULE="|---|---|"
if [ -n "$MERGIRAF" ]; then
    MODES=(plain mergiraf driver)
    HEAD="$HEAD mergiraf $("$MERGIRAF" --version 2>/dev/null | awk '{print $2}') |"
    RULE="$RULE---|"
fi
HEAD="$HEAD shibei-tracker's driver |"
RULE="$RULE---|"
echo "$HEAD"
echo "$RULE"
for row in "${ROWS[@]}"; do
    scenario=${row%%|*}
    line="| ${row#*|} |"
    for mode in "${MODES[@]}"; do
        line="$line $(run "$scenario" "$mode") |"
    done
    echo "$line"
done
[ -n "$MERGIRAF" ] || echo "(mergiraf is not installed: \`cargo install mergiraf\` adds its column)"
