#!/usr/bin/env bash
# Mutation check of the metric SQL: applies each edit in scripts/mutations.txt (or the
# file given as $1) on its own, runs the Go test named for it, and requires that test
# to FAIL; then restores the file. It fails loudly when an edit's text is not found
# exactly once (the SQL changed: update the list), when a named test does not pass on
# the unedited SQL, or when an edit survives (its test still passes).
#
#   scripts/mutate.sh                      # every mutation
#   scripts/mutate.sh scripts/mutations.txt TestVetoOperators   # only blocks naming that test
set -euo pipefail
cd "$(dirname "$0")/.."
list=${1:-scripts/mutations.txt}
only=${2:-}
tags=(-tags duckdb_arrow)

files=() finds=() repls=() tests=()
file= find= repl= test=
flush() {
	if [[ -n "$file$find$repl$test" ]]; then
		if [[ -z "$file" || -z "$find" || -z "$repl" || -z "$test" ]]; then
			echo "mutate: incomplete block in $list (file=$file find=$find replace=$repl test=$test)" >&2
			exit 2
		fi
		if [[ -z "$only" || "$only" == "$test" ]]; then
			files+=("$file") finds+=("$find") repls+=("$repl") tests+=("$test")
		fi
	fi
	file= find= repl= test=
}
while IFS= read -r line || [[ -n "$line" ]]; do
	case "$line" in
	'#'*) ;;
	'') flush ;;
	'file: '*) file=${line#file: } ;;
	'find: '*) find=${line#find: } ;;
	'replace: '*) repl=${line#replace: } ;;
	'test: '*) test=${line#test: } ;;
	*) echo "mutate: cannot read line in $list: $line" >&2; exit 2 ;;
	esac
done <"$list"
flush
if [[ ${#files[@]} -eq 0 ]]; then
	echo "mutate: no mutations in $list" >&2
	exit 2
fi

# Every edit's text must occur exactly once, checked before anything runs.
bad=0
for i in "${!files[@]}"; do
	f=${files[$i]}
	if [[ ! -f "$f" ]]; then
		echo "mutate: $f does not exist (mutation $((i + 1)), test ${tests[$i]})" >&2
		bad=1
		continue
	fi
	n=$(F="$f" S="${finds[$i]}" python3 -c 'import os; print(open(os.environ["F"], encoding="utf-8").read().count(os.environ["S"]))')
	if [[ "$n" != 1 ]]; then
		echo "mutate: the text of mutation $((i + 1)) occurs $n times in $f (want exactly 1): ${finds[$i]}" >&2
		bad=1
	fi
done
[[ $bad == 0 ]] || { echo "mutate: update $list to the current SQL" >&2; exit 2; }

# The named tests pass on the unedited SQL.
uniq_tests=$(printf '%s\n' "${tests[@]}" | sort -u | paste -sd'|')
if ! go test "${tags[@]}" -count=1 -run "^(${uniq_tests})\$" ./internal/queries/ >/tmp/mutate-baseline.log 2>&1; then
	cat /tmp/mutate-baseline.log >&2
	echo "mutate: the named tests fail without any mutation" >&2
	exit 1
fi

backup=$(mktemp)
restore_file=
restore() { if [[ -n "$restore_file" ]]; then cp "$backup" "$restore_file"; restore_file=; fi; }
trap 'restore; rm -f "$backup"' EXIT
survived=0
for i in "${!files[@]}"; do
	f=${files[$i]} t=${tests[$i]}
	cp "$f" "$backup"
	restore_file=$f
	F="$f" S="${finds[$i]}" R="${repls[$i]}" python3 -c '
import os
p, s, r = os.environ["F"], os.environ["S"], os.environ["R"]
b = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(b.replace(s, r, 1))'
	if go test "${tags[@]}" -count=1 -run "^${t}\$" ./internal/queries/ >/tmp/mutate-run.log 2>&1; then
		echo "SURVIVED  $f: '${finds[$i]}' -> '${repls[$i]}' ($t still passes)"
		survived=$((survived + 1))
	elif grep -q -- "--- FAIL: ${t}" /tmp/mutate-run.log; then
		echo "killed    $f: '${finds[$i]}' -> '${repls[$i]}' ($t fails)"
	else
		cat /tmp/mutate-run.log >&2
		echo "ERROR     $f: '${finds[$i]}' -> '${repls[$i]}': the test run failed without $t failing (build or SQL error?)" >&2
		survived=$((survived + 1))
	fi
	restore
done
if [[ $survived -gt 0 ]]; then
	echo "mutate: $survived of ${#files[@]} mutations were not caught by their tests" >&2
	exit 1
fi
echo "mutate: all ${#files[@]} mutations caught"
