#!/bin/bash
# Boot a real Debian kernel under QEMU, load the flexsc module and run tests
# inside it.  See test-vm/README.md.
# Exit codes: 0 pass, 1 test failure, 2 infrastructure failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT="$HERE/out"
RESULTS="$OUT/results"

KMOD_DIR="$REPO/native-kmod"
MODE=selftests
RUN_CMD=
LOAD_MODULE=1
QUIET=0
KV="${FLEXSC_VM_KVER:-}"
TIMEOUT="${FLEXSC_VM_TIMEOUT:-1200}"
ACCEL="${FLEXSC_VM_ACCEL:-tcg}"
TCG_THREAD="${FLEXSC_VM_TCG_THREAD:-multi}"
MEM="${FLEXSC_VM_MEM:-3072}"
SMP="${FLEXSC_VM_SMP:-2}"
COPIES=()

# Kernel log lines that fail the run.
BAD_RE='BUG:|WARNING:|Oops|general protection|Kernel panic|KASAN|refcount_t:|list_del corruption|INFO: task .* blocked'

usage() {
	cat <<EOF
usage: test-vm/run.sh [mode] [options]
modes (default --selftests):
  --selftests          load flexsc.ko, run \$KMOD_DIR/tests/run_all.sh, rmmod
  --run 'CMD'          load flexsc.ko, run CMD (bash) in the guest, rmmod
  --bench              load flexsc.ko, run bench/kmod/flexsc_bench
  --shell              load flexsc.ko, interactive bash in the guest
options:
  --kmod-dir DIR       module source dir (default: <repo>/native-kmod)
  --no-module          do not build/load the module (only with --run/--shell)
  --writable-copy DIR  copy DIR to test-vm/out/copies/ and mount the copy
                       writable at DIR in the guest (repeatable)
  --timeout SECONDS    kill the VM after this long (default \$FLEXSC_VM_TIMEOUT or 1200)
  --kernel-version KV  kernel to boot (default: newest /boot/vmlinuz-* with headers)
  --quiet              do not stream the serial console (it is always in out/console.log)
env: FLEXSC_VM_ACCEL=tcg|kvm (default tcg), FLEXSC_VM_TCG_THREAD=multi|single
     (default multi; see test-vm/README.md: single avoids a QEMU 7.2 TCG race that
     crashes JIT-compiled guest code), FLEXSC_VM_MEM (MiB, 3072),
     FLEXSC_VM_SMP (2), FLEXSC_VM_TIMEOUT, FLEXSC_VM_KVER
exit: 0 pass, 1 test failure, 2 infrastructure failure
EOF
}

say() { echo "test-vm: $*" >&2; }
infra() {
	say "INFRASTRUCTURE FAILURE: $*"
	exit 2
}
testfail() {
	say "TEST FAILURE: $*"
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--selftests) MODE=selftests ;;
	--run)
		[ $# -ge 2 ] || infra "--run needs a command"
		MODE=run RUN_CMD=$2
		shift
		;;
	--bench) MODE=bench ;;
	--shell) MODE=shell ;;
	--kmod-dir)
		[ $# -ge 2 ] || infra "--kmod-dir needs a directory"
		KMOD_DIR=$2
		shift
		;;
	--no-module) LOAD_MODULE=0 ;;
	--writable-copy)
		[ $# -ge 2 ] || infra "--writable-copy needs a directory"
		COPIES+=("$2")
		shift
		;;
	--timeout)
		[ $# -ge 2 ] || infra "--timeout needs seconds"
		TIMEOUT=$2
		shift
		;;
	--kernel-version)
		[ $# -ge 2 ] || infra "--kernel-version needs a version"
		KV=$2
		shift
		;;
	--quiet) QUIET=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		infra "unknown argument: $1"
		;;
	esac
	shift
done

case "$MODE" in
selftests | bench) [ "$LOAD_MODULE" = 1 ] || infra "--no-module only makes sense with --run or --shell" ;;
esac
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || infra "bad timeout: $TIMEOUT"

# ---------------------------------------------------------------- host setup

ensure_packages() {
	local missing=() p
	for p in qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod make gcc; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || infra "missing packages (${missing[*]}) and not root to install them"
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq </dev/null || infra "apt-get update failed"
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" </dev/null ||
		infra "apt-get install failed"
}

pick_kernel() {
	local f v best=
	if [ -n "$KV" ]; then
		[ -r "/boot/vmlinuz-$KV" ] || infra "no readable /boot/vmlinuz-$KV"
		[ -d "/lib/modules/$KV" ] || infra "no /lib/modules/$KV"
		return 0
	fi
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		v=${f#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/build" ] || continue
		if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n1)" = "$v" ]; then
			best=$v
		fi
	done
	[ -n "$best" ] || infra "no /boot/vmlinuz-* with matching /lib/modules/*/build"
	[ -r "/boot/vmlinuz-$best" ] || infra "/boot/vmlinuz-$best is not readable (run as root)"
	KV=$best
}

build_module() {
	[ -f "$KMOD_DIR/Makefile" ] || testfail "no Makefile in $KMOD_DIR"
	say "building module in $KMOD_DIR against $KV"
	make -C "$KMOD_DIR" KDIR="/lib/modules/$KV/build" >&2 || testfail "module build failed"
	[ -f "$KMOD_DIR/flexsc.ko" ] || testfail "$KMOD_DIR/flexsc.ko was not produced"
	if [ "$MODE" = selftests ]; then
		make -C "$KMOD_DIR" tests >&2 || testfail "selftest build failed"
		[ -x "$KMOD_DIR/tests/run_all.sh" ] || testfail "$KMOD_DIR/tests/run_all.sh missing or not executable"
	fi
}

# Copy each module file that NAME needs into $1/modules, in load order.
add_guest_modules() {
	local dest=$1 name line f base
	shift
	mkdir -p "$dest/modules"
	: >"$dest/modules/order"
	for name in "$@"; do
		while read -r line; do
			case "$line" in
			insmod\ *) ;;
			*) continue ;; # "builtin foo"
			esac
			f=$(echo "$line" | awk '{print $2}')
			base=$(basename "$f")
			base=${base%.xz}
			base=${base%.zst}
			base=${base%.gz}
			grep -qxF "$base" "$dest/modules/order" && continue
			case "$f" in
			*.xz) xz -dc "$f" >"$dest/modules/$base" ;;
			*.zst) zstd -qdc "$f" >"$dest/modules/$base" ;;
			*.gz) gzip -dc "$f" >"$dest/modules/$base" ;;
			*) cp "$f" "$dest/modules/$base" ;;
			esac
			echo "$base" >>"$dest/modules/order"
		done < <(modprobe -S "$KV" --show-depends "$name" || infra "modprobe cannot resolve $name for $KV")
	done
}

build_initramfs() {
	local root="$OUT/initramfs" d
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/etc"
	cp /bin/busybox "$root/bin/busybox"
	cp "$HERE/init.sh" "$root/init"
	chmod 755 "$root/init"
	add_guest_modules "$root" virtio_pci 9pnet_virtio 9p
	{
		printf 'VM_RESULTS=%s\n' "'$RESULTS'"
		if [ "$MODE" = shell ]; then echo "VM_MODE=shell"; else echo "VM_MODE=job"; fi
		printf 'VM_COPIES='"'"
		for d in "${COPY_DIRS[@]}"; do printf '%s ' "$d"; done
		printf "'\n"
	} >"$root/etc/vm.conf"
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$OUT/initramfs.cpio.gz"
}

# Paths are handed to the guest's shell unquoted: keep them simple.
check_path() {
	[[ "$1" =~ ^/[A-Za-z0-9._/+-]*$ ]] || infra "path not supported in the guest (use [A-Za-z0-9._/+-]): $1"
}

# The guest mounts fresh tmpfs on /tmp and /run, hiding the host's files
# there: hand such directories to the guest as writable copies.
guest_visible() {
	local d
	case "$1/" in
	/tmp/* | /run/*) ;;
	*) return 0 ;;
	esac
	for d in ${COPIES[@]+"${COPIES[@]}"}; do
		[ "$d" = "$1" ] && return 0
	done
	say "$1 is hidden by tmpfs in the guest: passing it as a writable copy"
	COPIES+=("$1")
}

prepare_copies() {
	local i=0 dir dest rel
	COPY_DIRS=()
	rm -rf "$OUT/copies"
	for dir in ${COPIES[@]+"${COPIES[@]}"}; do
		[ -d "$dir" ] || infra "--writable-copy: not a directory: $dir"
		dir=$(cd "$dir" && pwd -P)
		check_path "$dir"
		dest="$OUT/copies/$i"
		mkdir -p "$dest"
		say "copying $dir -> $dest"
		case "$OUT/" in
		"$dir"/*)
			# the copy would contain itself: leave out test-vm/out, keep
			# an empty mount point for the results share
			rel=${OUT#"$dir"/}
			tar -C "$dir" --exclude="./$rel" -cf - . | tar -C "$dest" -xf -
			mkdir -p "$dest/$rel/results"
			;;
		*) cp -a "$dir/." "$dest/" ;;
		esac
		COPY_DIRS+=("$dir")
		QEMU_COPY_ARGS+=(-virtfs "local,path=$dest,mount_tag=copy$i,security_model=none,multidevs=remap")
		i=$((i + 1))
	done
}

# The script the guest runs (chroot /host /bin/bash job.sh).
write_job() {
	local ko="" cmd
	[ "$LOAD_MODULE" = 1 ] && ko="$KMOD_DIR/flexsc.ko"
	case "$MODE" in
	selftests) cmd="'$KMOD_DIR/tests/run_all.sh'" ;;
	bench) cmd="'$BENCH_BIN'" ;;
	run) cmd=$RUN_CMD ;;
	shell) cmd="cd '$REPO' && exec /bin/bash -i" ;;
	esac
	printf '%s\n' "$cmd" >"$RESULTS/cmd.sh"
	cat >"$RESULTS/job.sh" <<EOF
#!/bin/bash
# generated by test-vm/run.sh; runs inside the guest
R='$RESULTS'
KO='$ko'
MODE='$MODE'
export FLEXSC_TMP=/tmp/flexsc
mkdir -p "\$FLEXSC_TMP"
[ -n "\$KO" ] && export FLEXSC_KO="\$KO"
unset JAVA_HOME
cd /tmp
rc=0
if [ -n "\$KO" ]; then
	echo "flexsc-vm: insmod \$KO"
	if ! insmod "\$KO"; then
		echo "flexsc-vm: insmod failed"
		exit 1
	fi
fi
if [ "\$MODE" = shell ]; then
	bash "\$R/cmd.sh"
else
	echo "flexsc-vm: running: \$(cat "\$R/cmd.sh")"
	bash "\$R/cmd.sh" 2>&1 | tee "\$R/output.log"
	rc=\${PIPESTATUS[0]}
	echo "flexsc-vm: command exit code \$rc"
fi
if [ -n "\$KO" ] && [ -d /sys/module/flexsc ]; then
	echo "flexsc-vm: rmmod flexsc"
	if ! rmmod flexsc; then
		echo "flexsc-vm: rmmod flexsc FAILED"
		echo "rmmod flexsc failed" >"\$R/rmmod_failed"
		[ "\$rc" = 0 ] && rc=1
	fi
fi
exit "\$rc"
EOF
}

# ---------------------------------------------------------------- main

ensure_packages
pick_kernel
command -v "qemu-system-x86_64" >/dev/null || infra "qemu-system-x86_64 not found"
say "kernel $KV, accel $ACCEL, ${MEM}M, $SMP cpus, timeout ${TIMEOUT}s"

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock -n 9 || infra "another test-vm run holds $OUT/.lock"

if [ "$LOAD_MODULE" = 1 ]; then
	d=$(cd "$KMOD_DIR" 2>/dev/null && pwd -P) || testfail "no module directory: $KMOD_DIR"
	KMOD_DIR=$d
	check_path "$KMOD_DIR"
fi
check_path "$RESULTS"
BENCH_BIN="$REPO/bench/kmod/flexsc_bench"
if [ "$LOAD_MODULE" = 1 ]; then
	build_module
	guest_visible "$KMOD_DIR"
fi
if [ "$MODE" = bench ]; then
	if [ -f "$REPO/bench/kmod/Makefile" ]; then
		make -C "$REPO/bench/kmod" >&2 || testfail "benchmark build failed"
	fi
	[ -x "$BENCH_BIN" ] || infra "no benchmark binary $BENCH_BIN"
	guest_visible "$REPO/bench/kmod"
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
rm -f "$OUT/console.log"
QEMU_COPY_ARGS=()
prepare_copies
write_job
build_initramfs

case "$ACCEL" in
tcg) ACCEL_ARGS=(-accel "tcg,thread=$TCG_THREAD") ;;
kvm)
	[ -w /dev/kvm ] || infra "FLEXSC_VM_ACCEL=kvm but /dev/kvm is not usable"
	ACCEL_ARGS=(-accel kvm -cpu host)
	;;
*) infra "FLEXSC_VM_ACCEL must be tcg or kvm" ;;
esac

QEMU=(qemu-system-x86_64 "${ACCEL_ARGS[@]}" -smp "$SMP" -m "$MEM"
	-nodefaults -no-reboot -display none -vga none
	-kernel "/boot/vmlinuz-$KV" -initrd "$OUT/initramfs.cpio.gz"
	-append "console=ttyS0 quiet panic=-1 panic_on_warn=1 oops=panic"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$RESULTS,mount_tag=results,security_model=none,multidevs=remap"
	${QEMU_COPY_ARGS[@]+"${QEMU_COPY_ARGS[@]}"})

start=$(date +%s)
say "booting ($MODE)"
if [ "$MODE" = shell ]; then
	set +e
	"${QEMU[@]}" -serial mon:stdio
	qrc=$?
	set -e
	say "qemu exited with $qrc"
	exit 0
fi

# QEMU runs in the background so that a signal to this script (CI
# cancelling the job, Ctrl-C) can take it down too: background jobs of a
# script ignore SIGINT, and nobody else knows QEMU's pid.
: >"$OUT/console.log"
timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -serial "file:$OUT/console.log" </dev/null >"$OUT/qemu.log" 2>&1 &
QPID=$!
TPID=
# shellcheck disable=SC2317 # invoked by the trap
stop_vm() {
	kill -TERM "$QPID" 2>/dev/null || true
	[ -z "$TPID" ] || kill "$TPID" 2>/dev/null || true
	wait 2>/dev/null
	infra "interrupted; VM stopped"
}
trap stop_vm INT TERM HUP
if [ "$QUIET" = 0 ]; then
	tail -n +1 -f --pid="$QPID" "$OUT/console.log" &
	TPID=$!
fi
qrc=0
wait "$QPID" || qrc=$?
if [ -n "$TPID" ]; then wait "$TPID" || true; fi
trap - INT TERM HUP
secs=$(($(date +%s) - start))
say "qemu exited with $qrc after ${secs}s; console log: $OUT/console.log"
if [ -s "$OUT/qemu.log" ]; then
	say "qemu said:"
	sed 's/^/    /' "$OUT/qemu.log" >&2
fi

# ---------------------------------------------------------------- verdict

if [ -f "$RESULTS/output.log" ]; then
	echo "================ guest command output ================"
	cat "$RESULTS/output.log"
	echo "======================================================"
fi

# Kernel lines carry a "[ seconds.micros]" stamp; guest program output on
# the console does not, so it cannot trigger the scan.
bad=$( {
	[ -f "$RESULTS/dmesg.txt" ] && cat "$RESULTS/dmesg.txt"
	tr -d '\r' <"$OUT/console.log"
} | grep -E '^\[ *[0-9]+\.[0-9]+\]' | grep -E "$BAD_RE" | sort -u || true)

status=0
if [ -n "$bad" ]; then
	echo "!!!!!!!!!!!!!!!! KERNEL PROBLEMS IN THE GUEST LOG !!!!!!!!!!!!!!!!" >&2
	echo "$bad" >&2
	echo "---------------- first report in context ----------------" >&2
	first=$(echo "$bad" | head -n1 | sed 's/^\[ *[0-9.]*\] //')
	tr -d '\r' <"$OUT/console.log" | grep -F -m1 -B3 -A40 -- "$first" >&2 ||
		grep -F -m1 -B3 -A40 -- "$first" "$RESULTS/dmesg.txt" >&2 || true
	echo "!!!!!!!!!!!!!!!! (full log: $OUT/console.log) !!!!!!!!!!!!!!!!!!!!" >&2
	status=1
fi

if [ ! -f "$RESULTS/exit_code" ]; then
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		say "the guest did not finish within ${TIMEOUT}s"
	else
		say "the guest never reported an exit code (crash or panic?)"
	fi
	if [ -f "$RESULTS/booted" ]; then
		testfail "guest booted but the job did not complete"
	fi
	[ "$status" = 0 ] || testfail "kernel problem before the job started"
	say "last console lines:"
	tail -n 30 "$OUT/console.log" >&2
	infra "guest did not boot (see $OUT/console.log)"
fi

rc=$(cat "$RESULTS/exit_code")
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$RESULTS/output.log" 2>/dev/null | tail -n1 || true)
[ -z "$summary" ] || say "summary: $summary"
[ -f "$RESULTS/rmmod_failed" ] && say "rmmod flexsc failed in the guest"
say "guest command exit code: $rc (run took ${secs}s)"
[ "$rc" = 0 ] || testfail "guest command failed with exit code $rc"
[ "$status" = 0 ] || testfail "kernel warnings/errors in the guest log"
say "PASS"
exit 0
