#!/bin/sh
# docs/exitbench-trace.schema.json against the trace reader: every line of
# tests/traces/valid and of the demo trace validates, every invalid case
# whose error a schema can express is rejected, and the schema's value
# patterns agree with the reader's own parsers (tests/schema/validate.py).
# Exits 77, saying why, without a Python 3 that has jsonschema 4 or later
# (Debian: apt-get install python3-jsonschema).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
python=
for candidate in python3 /usr/bin/python3; do
	if command -v "$candidate" >/dev/null 2>&1 &&
		"$candidate" -c 'import jsonschema; jsonschema.Draft202012Validator' >/dev/null 2>&1; then
		python=$candidate
		break
	fi
done
if [ -z "$python" ]; then
	echo "SKIP: no python3 with jsonschema >= 4 (draft 2020-12) (apt-get install python3-jsonschema)"
	exit 77
fi
set -- --schema "$top_srcdir/docs/exitbench-trace.schema.json" --traces "$top_srcdir/tests/traces" \
	--demo "$top_srcdir/emu/demo/demo.jsonl"
# The reader's own verdicts, where the engine is built (Linux hosts).
verdicts=$top_builddir/tests/schema/value_verdicts
[ -x "$verdicts" ] && set -- "$@" --verdicts "$verdicts"
[ -x "$top_builddir/emu/exitbench" ] && set -- "$@" --exitbench "$top_builddir/emu/exitbench"
exec "$python" "$top_srcdir/tests/schema/validate.py" "$@"
