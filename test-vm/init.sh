#!/bin/busybox sh
# /init of the flexsc test VM (runs inside the guest, busybox ash).
# run.sh copies this file into the initramfs together with:
#   /etc/vm.conf   shell variables: VM_RESULTS, VM_MODE (job|shell), VM_COPIES
#   /modules/      virtio + 9p (+ overlay) modules, /modules/order lists them
#                  in load order
# It mounts the host's / read-only at /host, the results share writable at
# /host$VM_RESULTS, then runs $VM_RESULTS/job.sh via chroot /host and records
# its exit code in $VM_RESULTS/exit_code.  It always ends with poweroff -f.
# shellcheck shell=sh disable=SC1091

/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin /host
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "flexsc-vm: $*"; }
die() {
	say "FATAL: $*"
	poweroff -f
	sleep 60
}

. /etc/vm.conf

while read -r m; do
	insmod "/modules/$m" || die "insmod $m failed"
done </modules/order

P9="trans=virtio,version=9p2000.L,msize=512000"
mount -t 9p -o "$P9,ro" hostroot /host || die "cannot mount host root over 9p"

mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm
# what udev and systemd add on a normal system: devtmpfs has no /dev/fd or /dev/std* links
ln -sfn /proc/self/fd /host/dev/fd
ln -sfn /proc/self/fd/0 /host/dev/stdin
ln -sfn /proc/self/fd/1 /host/dev/stdout
ln -sfn /proc/self/fd/2 /host/dev/stderr
mount -t tmpfs -o mode=1777 tmpfs /host/tmp
mount -t tmpfs -o mode=755 tmpfs /host/run
mount -t debugfs debugfs /host/sys/kernel/debug || say "no debugfs"

# After the tmpfs mounts, so that shares below /tmp or /run stay visible.
i=0
for dir in $VM_COPIES; do
	mkdir -p "/host$dir" 2>/dev/null
	mount -t 9p -o "$P9,rw" "copy$i" "/host$dir" || die "cannot mount writable copy of $dir"
	i=$((i + 1))
done
mkdir -p "/host$VM_RESULTS" 2>/dev/null
mount -t 9p -o "$P9,rw" results "/host$VM_RESULTS" || die "cannot mount results share"

R="/host$VM_RESULTS"
uname -r >"$R/booted"
# Boot is quiet; from here on let every kernel message reach the console.
echo 8 >/proc/sys/kernel/printk
# Loopback is down in a fresh guest; tests talk over 127.0.0.1 and ::1.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up || say "cannot bring up lo"

ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TERM=${TERM:-linux} LANG=C.UTF-8 FLEXSC_RESULTS=$VM_RESULTS"
if [ "$VM_MODE" = shell ]; then
	say "interactive shell; type 'exit' to power off"
	# shellcheck disable=SC2086
	setsid -c chroot /host /usr/bin/env -i $ENV /bin/bash "$VM_RESULTS/job.sh" </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	# shellcheck disable=SC2086
	chroot /host /usr/bin/env -i $ENV /bin/bash "$VM_RESULTS/job.sh"
	rc=$?
fi

dmesg >"$R/dmesg.txt"
echo "$rc" >"$R/exit_code"
sync
umount "$R" 2>/dev/null
say "job exit code $rc, powering off"
poweroff -f
sleep 60
