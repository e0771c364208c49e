#!/bin/sh
# Extracts what docs/writing-a-module.md marks as runnable:
#
#   extract.sh files GUIDE DIR      writes each file the guide shows into DIR
#   extract.sh commands TAG GUIDE   prints the commands of its TAG sessions
#
# A fenced block is a file when the line before its opening fence is
# `<!-- file: NAME -->`; blocks for the same NAME are joined, in order,
# with one blank line between them, so the guide can show a source in
# pieces. A block is a session when that line is `<!-- run -->` (TAG
# "linux") or `<!-- run: TAG -->`; its lines starting with "$ " are the
# commands (the others are their output, shown for the reader only).
set -eu

usage() {
	echo "usage: $0 files GUIDE DIR | $0 commands TAG GUIDE" >&2
	exit 2
}
[ $# -eq 3 ] || usage
case $1 in
files) mode=files guide=$2 out=$3 tag= ;;
commands) mode=commands tag=$2 guide=$3 out= ;;
*) usage ;;
esac
[ -r "$guide" ] || { echo "$0: cannot read $guide" >&2; exit 2; }
[ "$mode" = commands ] || mkdir -p "$out"

awk -v mode="$mode" -v want="$tag" -v out="$out" -v guide="$guide" '
function fail(msg) { printf "%s:%d: %s\n", guide, NR, msg > "/dev/stderr"; failed = 1; exit 1 }
/^<!-- file: [^ ]+ -->$/ && !in_block {
	marker = "file"; name = $3
	if (name ~ /\//) fail("a file name with a directory: " name)
	next
}
/^<!-- run(: [a-z0-9-]+)? -->$/ && !in_block {
	marker = "run"; session = (NF == 4) ? $3 : "linux"
	next
}
/^```/ {
	if (in_block) { in_block = 0; kind = ""; next }
	in_block = 1; kind = marker; marker = ""
	if (kind == "file" && mode == "files") {
		path = out "/" name
		if (name in seen) printf "\n" >> path
		else { printf "" > path; seen[name] = 1 }
	}
	next
}
marker != "" { fail("a <!-- " marker " --> marker not followed by a fenced block") }
in_block && kind == "file" && mode == "files" { print >> path; next }
in_block && kind == "run" && mode == "commands" && session == want && /^\$ / { print substr($0, 3) }
END {
	if (failed) exit 1
	if (in_block) { printf "%s: a fenced block is not closed\n", guide > "/dev/stderr"; exit 1 }
}
' "$guide"
