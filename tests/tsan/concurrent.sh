#!/bin/sh
# Concurrent delivery under ThreadSanitizer: the tree is built again with
# -fsanitize=thread in its own directory, the sample modules replay a trace
# from 4 threads (exitbench replay --jobs 4) and must stay race-free, and a
# deliberately racy module (tests/modules/raw_exit.c, "racy") must be caught.
# Skips (77), saying why, where ThreadSanitizer is not available.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${CC:=cc}"
srcdir=$(cd "$top_srcdir" && pwd)
build=$(cd "$top_builddir" && pwd)/tsan-build

if [ ! -x "$top_builddir/emu/exitbench" ]; then
	echo "SKIP: the engine is not built here (Windows host build)"
	exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void) { return 0; }\n' >"$probe/t.c"
if ! $CC -fsanitize=thread "$probe/t.c" -o "$probe/t" 2>/dev/null || ! "$probe/t"; then
	echo "SKIP: $CC cannot build or run -fsanitize=thread programs (libtsan missing?)"
	exit 77
fi

echo "building a ThreadSanitizer copy of the tree in $build"
rm -rf "$build" && mkdir -p "$build" || exit 1
(cd "$build" && "$srcdir/configure" -q CC="$CC" CFLAGS="-fsanitize=thread -g -O1" \
	LDFLAGS="-fsanitize=thread" >configure.log 2>&1) || {
	echo "FAIL: configure (see $build/configure.log)"
	exit 1
}
# make would run a jobserver of the outer make's; this build is its own. `all`
# recurses into a sub-make, so the test programs are a second, later goal.
(cd "$build" && env -u MAKEFLAGS -u MFLAGS make -j2 all >make.log 2>&1 &&
	env -u MAKEFLAGS -u MFLAGS make -j2 tests/modules/libxbrawexit.la tests/bench/gen_trace >>make.log 2>&1) || {
	echo "FAIL: make (see $build/make.log)"
	tail -20 "$build/make.log"
	exit 1
}

trace=$build/concurrent.jsonl
"$build/tests/bench/gen_trace" -n 400 "$trace" || exit 1
failures=0
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"

# The sample modules: clean.
for module in "$build"/modules/.libs/*.so; do
	name=$(basename "$module" .so)
	out=$build/$name.out
	dir=$build/$name.files
	rm -rf "$dir" && mkdir -p "$dir"
	"$build/emu/exitbench" replay --jobs 4 --module "$module" --set "Directory=$dir" \
		--set "Output=$dir/recorded.jsonl" "$trace" >"$out" 2>&1
	status=$?
	if grep -q "ThreadSanitizer" "$out"; then
		echo "FAIL: $name: ThreadSanitizer reported a problem:"
		sed -n '/WARNING: ThreadSanitizer/,/SUMMARY/p' "$out" | head -40
		failures=$((failures + 1))
	elif [ $status -ne 0 ]; then
		echo "FAIL: $name: exit $status without a ThreadSanitizer report:"
		tail -20 "$out"
		failures=$((failures + 1))
	else
		echo "ok: $name: 400 events from 4 threads, no race"
	fi
done

# The racy module: caught.
out=$build/racy.out
"$build/emu/exitbench" replay --jobs 4 --module "$build/tests/modules/.libs/libxbrawexit.so" \
	--config "mask=0x2FF;racy" "$trace" >"$out" 2>&1
status=$?
if [ $status -eq 66 ] && grep -q "ThreadSanitizer: data race" "$out" && grep -q "exit_module_Notify" "$out"; then
	echo "ok: the racy module's data race in exit_module_Notify was caught"
else
	echo "FAIL: the racy module was not caught (exit $status):"
	tail -20 "$out"
	failures=$((failures + 1))
fi

[ $failures -eq 0 ] || exit 1
