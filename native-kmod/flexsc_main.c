// SPDX-License-Identifier: GPL-2.0
/*
 * flexsc - exception-less system calls (Soares & Stumm, OSDI 2010).
 *
 * /dev/flexsc: a process registers a shared "syscall area" of 64-byte
 * entries, maps it, and lets some of its own threads ("syscall threads")
 * sit in FLEXSC_IOC_WORK where they execute the entries other threads
 * submit, without those threads entering the kernel.  See
 * include/uapi/flexsc.h for the ABI and README.md for the design.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/kref.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/mm.h>
#include <linux/task_work.h>
#include <linux/kprobes.h>
#include <linux/static_call.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/seccomp.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/nospec.h>
#include <linux/version.h>
#include <linux/errno.h>
#include <linux/hash.h>
#include <linux/moduleparam.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/uidgid.h>
#include <linux/fs_struct.h>
#include <linux/fdtable.h>
#include <asm/unistd.h>
#include <asm/ptrace.h>

#include "uapi/flexsc.h"

#ifndef CONFIG_X86_64
#error "flexsc supports x86_64 only"
#endif

static_assert(sizeof(struct flexsc_entry) == FLEXSC_ENTRY_SIZE);
static_assert(offsetof(struct flexsc_entry, nr) == 4);
static_assert(offsetof(struct flexsc_entry, args) == 8);
static_assert(offsetof(struct flexsc_entry, result) == 8);
static_assert(offsetof(struct flexsc_entry, tag) == 56);
static_assert(sizeof(struct flexsc_header) <= FLEXSC_HEADER_SIZE);
static_assert(offsetof(struct flexsc_header, completed) % 8 == 0);
static_assert(sizeof(struct flexsc_register) == 40);
static_assert(sizeof(struct flexsc_work) == 24);
static_assert(sizeof(struct flexsc_wait) == 16);
static_assert(FLEXSC_HEADER_SIZE % PAGE_SIZE == 0);

#define FLEXSC_DEFAULT_SPIN_US	50
#define FLEXSC_MAX_SPIN_US	1000000
#define FLEXSC_MAX_CPUMASK	1024
#define FLEXSC_NR_MAX		512	/* covers every x86_64 syscall number */

/* ------------------------------------------------------------------ */
/* Access policy (like io_uring_disabled / io_uring_group)             */
/* ------------------------------------------------------------------ */

/*
 * flexsc_disabled: 0 = whoever may open /dev/flexsc (0660, group flexsc by
 * the udev rule) may use it; 1 = only tasks with CAP_SYS_ADMIN or in group
 * flexsc_group; 2 = nobody.  Checked at open and at FLEXSC_IOC_REGISTER
 * (EPERM); sessions registered before a change keep working.
 */
static int flexsc_disabled;
static int flexsc_group = -1;

static int flexsc_param_set_disabled(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, 2);
}

static const struct kernel_param_ops flexsc_disabled_ops = {
	.set = flexsc_param_set_disabled,
	.get = param_get_int,
};

static int flexsc_param_set_group(const char *val, const struct kernel_param *kp)
{
	int v, ret = kstrtoint(val, 0, &v);

	if (ret)
		return ret;
	if (v < -1 || (v >= 0 && !gid_valid(make_kgid(&init_user_ns, v))))
		return -EINVAL;
	WRITE_ONCE(*(int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops flexsc_group_ops = {
	.set = flexsc_param_set_group,
	.get = param_get_int,
};

module_param_cb(flexsc_disabled, &flexsc_disabled_ops, &flexsc_disabled, 0644);
MODULE_PARM_DESC(flexsc_disabled,
		 "0: device permissions decide (default), 1: only CAP_SYS_ADMIN or flexsc_group, 2: disabled");
module_param_cb(flexsc_group, &flexsc_group_ops, &flexsc_group, 0644);
MODULE_PARM_DESC(flexsc_group, "gid allowed when flexsc_disabled=1 (-1: none, the default)");

/* Areas (registered sessions) per process; EMFILE past it. */
static unsigned int flexsc_max_areas = 128;

static int flexsc_param_set_max_areas(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 65536);
}

static const struct kernel_param_ops flexsc_max_areas_ops = {
	.set = flexsc_param_set_max_areas,
	.get = param_get_uint,
};

module_param_cb(flexsc_max_areas, &flexsc_max_areas_ops, &flexsc_max_areas, 0644);
MODULE_PARM_DESC(flexsc_max_areas, "registered areas per process, 1..65536 (default 128)");

/* 0 if the current task may open or register a session, else -EPERM. */
static int flexsc_access_check(void)
{
	int mode = READ_ONCE(flexsc_disabled), gid = READ_ONCE(flexsc_group);

	if (mode == 0)
		return 0;
	if (mode >= 2)
		return -EPERM;
	if (gid >= 0 && in_group_p(make_kgid(&init_user_ns, gid)))
		return 0;
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/* ------------------------------------------------------------------ */
/* System call dispatch                                                */
/* ------------------------------------------------------------------ */

typedef long (*flexsc_sysfn_t)(const struct pt_regs *);

/*
 * The allowlist is FLEXSC_ALLOWED in uapi/flexsc.h, the one table the module
 * and user space share.  Each call is a *static call*: a direct CALL
 * instruction in this module, patched once at load time to the wrapper's
 * address (static_call_update, as kvm does for its vendor ops).  Dispatch is
 * a switch over the syscall number, like x86's own since 6.9: there is no
 * table of function pointers indexed by user input and no indirect branch on
 * the way to a system call.
 */

/* Refused with -EPERM (every other number: -ENOSYS). */
#define FLEXSC_FORBIDDEN(X)						\
	X(exit) X(exit_group) X(clone) X(clone3) X(fork) X(vfork)	\
	X(execve) X(execveat) X(rt_sigreturn) X(setuid) X(setgid)	\
	X(setreuid) X(setregid) X(setresuid) X(setresgid) X(setfsuid)	\
	X(setfsgid) X(setgroups) X(prctl) X(arch_prctl) X(seccomp)	\
	X(unshare) X(setns) X(rt_sigprocmask) X(sigaltstack)		\
	X(rt_sigaction) X(ptrace) X(io_uring_setup) X(io_uring_enter)	\
	X(io_uring_register)

/* The target until load time resolves the real one (never called). */
static long flexsc_sys_unresolved(const struct pt_regs *regs)
{
	return -ENOSYS;
}

#define FX_DEFINE(nr, sym) DEFINE_STATIC_CALL(flexsc_sc_##nr, flexsc_sys_unresolved);
FLEXSC_ALLOWED(FX_DEFINE)
#undef FX_DEFINE

static const char *const flexsc_allow_sym[] = {
#define FX_SYM(nr, sym) "__x64_sys_" #sym,
	FLEXSC_ALLOWED(FX_SYM)
#undef FX_SYM
};

static const unsigned int flexsc_allow_nr[] = {
#define FX_NR(nr, sym) __NR_##nr,
	FLEXSC_ALLOWED(FX_NR)
#undef FX_NR
};

/* Point every static call at its resolved wrapper (addr in list order). */
static void __init flexsc_set_calls(const unsigned long *addr)
{
	size_t i = 0;

#define FX_SET(nr, sym) static_call_update(flexsc_sc_##nr, (flexsc_sysfn_t)addr[i++]);
	FLEXSC_ALLOWED(FX_SET)
#undef FX_SET
}

/*
 * Resolve the __x64_sys_* wrappers once, at load time.  sys_call_table and
 * kallsyms_lookup_name are not exported; we register one *disabled* kprobe
 * per symbol (never armed, so no code is patched), read its resolved
 * address and unregister them all in one batch.  With IBT the kprobe
 * address is placed after the ENDBR64 instruction; we step back to the
 * real entry.  The addresses only ever become direct call targets.
 */
static int __init flexsc_resolve(void)
{
	size_t n = ARRAY_SIZE(flexsc_allow_sym), i, got = 0;
	struct kprobe *kps, **kpp;
	unsigned long *addr;
	int ret = 0;

	static_assert(ARRAY_SIZE(flexsc_allow_sym) == ARRAY_SIZE(flexsc_allow_nr));
	kps = kcalloc(n, sizeof(*kps), GFP_KERNEL);
	kpp = kcalloc(n, sizeof(*kpp), GFP_KERNEL);
	addr = kcalloc(n, sizeof(*addr), GFP_KERNEL);
	if (!kps || !kpp || !addr) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		kps[i].symbol_name = flexsc_allow_sym[i];
		kps[i].flags = KPROBE_FLAG_DISABLED;
		ret = register_kprobe(&kps[i]);
		if (ret < 0) {
			pr_err("cannot resolve %s (%d)\n", flexsc_allow_sym[i], ret);
			goto out;
		}
		kpp[got++] = &kps[i];
		addr[i] = (unsigned long)kps[i].addr;
#ifdef CONFIG_X86_KERNEL_IBT
		{
			static const u8 endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

			if (!memcmp((void *)(addr[i] - 4), endbr64, 4))
				addr[i] -= 4;
		}
#endif
	}
	flexsc_set_calls(addr);
out:
	if (got)
		unregister_kprobes(kpp, got);
	kfree(addr);
	kfree(kpp);
	kfree(kps);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                            */
/* ------------------------------------------------------------------ */

enum {
	ST_ENTRIES, ST_BATCHES, ST_EMPTY, ST_SLEEPS, ST_WAKEUPS, ST_EPERM,
	ST_ENOSYS, ST_WAITS, ST_NR
};

static const char *const flexsc_stat_names[ST_NR] = {
	"entries", "batches", "empty_scans", "sleeps", "wakeups", "eperm",
	"enosys", "waits",
};

/*
 * Counters are per CPU: a syscall thread adds to its CPU's copy once per
 * batch (this_cpu_add, no shared cache line); readers sum over the CPUs.
 */
struct flexsc_pcpu_stats {
	u64 v[ST_NR];
};

#define FLEXSC_DONE_WQS		16	/* power of two */

struct flexsc_session {
	struct kref ref;
	struct list_head node;		/* flexsc_sessions, under flexsc_lock */
	struct mm_struct *mm;		/* mmgrab()ed owner */
	pid_t tgid;
	struct mutex reg_lock;
	bool registered;		/* smp_store_release'd after setup */

	bool area_counted;		/* counts against flexsc_max_areas */
	void *area;			/* __vmalloc(GFP_KERNEL_ACCOUNT) */
	size_t area_size;
	struct flexsc_header *hdr;
	struct flexsc_entry *ent;
	u32 nentries;
	cpumask_var_t cpus;
	bool has_cpus;

	/*
	 * Identity recorded at REGISTER.  Entries run with the syscall
	 * thread's identity; WORK, WAKE and WAIT are refused (EXDEV) to a
	 * thread whose identity differs from this one.  fs and files are
	 * compared as pointers only (a reference on the file table would
	 * keep this session's own file alive).
	 */
	const struct cred *cred;
	struct fs_struct *fs;
	struct files_struct *files;

	spinlock_t lock;		/* NEED_WAKEUP handshake state */
	u64 wake_seq;
	u32 nsleeping;
	bool need_wakeup;
	atomic_t nworkers;
	bool stopped;

	wait_queue_head_t work_wq;	/* sleeping syscall threads */
	/* FLEXSC_IOC_WAIT sleepers on one index, hashed by index */
	wait_queue_head_t done_wq[FLEXSC_DONE_WQS];
	wait_queue_head_t any_wq;	/* FLEXSC_WAIT_ANY sleepers */

	struct flexsc_pcpu_stats __percpu *stats;
};

/* Global counters: the per-session ones summed, and restarts. */
static DEFINE_PER_CPU(struct flexsc_pcpu_stats, flexsc_gstats);
static DEFINE_PER_CPU(u64, flexsc_grestarts);	/* entries given back */

static void flexsc_restarts_inc(void)
{
	this_cpu_inc(flexsc_grestarts);
}

static u64 flexsc_pcpu_sum(struct flexsc_pcpu_stats __percpu *p, int idx)
{
	u64 v = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		v += READ_ONCE(per_cpu_ptr(p, cpu)->v[idx]);
	return v;
}
static atomic64_t flexsc_sessions_total;
static LIST_HEAD(flexsc_sessions);
static DEFINE_SPINLOCK(flexsc_lock);
static struct dentry *flexsc_debugfs;
static const struct file_operations flexsc_fops;

static void flexsc_stat_add(struct flexsc_session *s, int idx, u64 v)
{
	if (!v)
		return;
	this_cpu_add(s->stats->v[idx], v);
	this_cpu_add(flexsc_gstats.v[idx], v);
}

static void flexsc_session_free(struct kref *ref)
{
	struct flexsc_session *s = container_of(ref, struct flexsc_session, ref);

	spin_lock(&flexsc_lock);
	list_del(&s->node);
	spin_unlock(&flexsc_lock);
	vfree(s->area);
	if (s->cred)
		put_cred(s->cred);
	free_cpumask_var(s->cpus);
	free_percpu(s->stats);
	mmdrop(s->mm);
	kfree(s);
}

static void flexsc_put(struct flexsc_session *s)
{
	kref_put(&s->ref, flexsc_session_free);
}

/* Returns the registered session, or NULL; pairs with the release store. */
static struct flexsc_session *flexsc_ready(struct flexsc_session *s)
{
	return smp_load_acquire(&s->registered) ? s : NULL;
}

/* Policy: may the current thread run system calls through flexsc? */
static bool flexsc_task_denied(void)
{
#ifdef CONFIG_SECCOMP
	if (READ_ONCE(current->seccomp.mode) != SECCOMP_MODE_DISABLED)
		return true;
#endif
	if (test_task_syscall_work(current, SECCOMP) ||
	    test_task_syscall_work(current, SYSCALL_TRACE) ||
	    test_task_syscall_work(current, SYSCALL_EMU) ||
	    test_task_syscall_work(current, SYSCALL_USER_DISPATCH))
		return true;
	return false;
}

/*
 * Re-entry guard.  A syscall thread inside FLEXSC_IOC_WORK executes entries
 * in its own context; one of them could be an ioctl on a flexsc file (the
 * fd check in flexsc_exec() only looks at the file the fd names at that
 * moment: a sibling can dup2() a flexsc file onto it before the ioctl looks
 * it up again).  Every task inside flexsc_work() is therefore recorded here,
 * and flexsc_ioctl() refuses any command from such a task with EDEADLK, so
 * no flexsc ioctl can ever run inside another one, whatever the fd table
 * does.  The record lives on flexsc_work()'s stack; buckets are hashed by
 * task so that unrelated syscall threads do not share a lock.
 */
#define FLEXSC_INWORK_BITS	6

struct flexsc_inwork {
	struct hlist_node node;
	struct task_struct *task;
};

static struct {
	spinlock_t lock;
	struct hlist_head head;
} flexsc_inwork_tab[1 << FLEXSC_INWORK_BITS];

static unsigned int flexsc_inwork_bucket(struct task_struct *t)
{
	return hash_ptr(t, FLEXSC_INWORK_BITS);
}

static void flexsc_inwork_enter(struct flexsc_inwork *w)
{
	unsigned int b = flexsc_inwork_bucket(current);

	w->task = current;
	spin_lock(&flexsc_inwork_tab[b].lock);
	hlist_add_head(&w->node, &flexsc_inwork_tab[b].head);
	spin_unlock(&flexsc_inwork_tab[b].lock);
}

static void flexsc_inwork_leave(struct flexsc_inwork *w)
{
	unsigned int b = flexsc_inwork_bucket(current);

	spin_lock(&flexsc_inwork_tab[b].lock);
	hlist_del(&w->node);
	spin_unlock(&flexsc_inwork_tab[b].lock);
}

static bool flexsc_in_work(void)
{
	unsigned int b = flexsc_inwork_bucket(current);
	struct flexsc_inwork *w;
	bool found = false;

	if (hlist_empty(&flexsc_inwork_tab[b].head))	/* racy peek is fine: only */
		return false;				/* current adds itself     */
	spin_lock(&flexsc_inwork_tab[b].lock);
	hlist_for_each_entry(w, &flexsc_inwork_tab[b].head, node) {
		if (w->task == current) {
			found = true;
			break;
		}
	}
	spin_unlock(&flexsc_inwork_tab[b].lock);
	return found;
}

static void flexsc_inwork_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flexsc_inwork_tab); i++) {
		spin_lock_init(&flexsc_inwork_tab[i].lock);
		INIT_HLIST_HEAD(&flexsc_inwork_tab[i].head);
	}
}

static bool flexsc_groups_eq(const struct group_info *a, const struct group_info *b)
{
	int i;

	if (a == b)
		return true;
	if (a->ngroups != b->ngroups)
		return false;
	for (i = 0; i < a->ngroups; i++)
		if (!gid_eq(a->gid[i], b->gid[i]))
			return false;
	return true;
}

/*
 * Same credentials for the purposes of the allowlisted calls: ids, fs ids,
 * groups, capabilities, securebits and user namespace.  Threads normally
 * share one struct cred; a process-wide setuid() through libc gives every
 * thread its own copy with equal values, which is the same identity.
 */
static bool flexsc_cred_eq(const struct cred *a, const struct cred *b)
{
	if (a == b)
		return true;
	return uid_eq(a->uid, b->uid) && gid_eq(a->gid, b->gid) &&
	       uid_eq(a->euid, b->euid) && gid_eq(a->egid, b->egid) &&
	       uid_eq(a->suid, b->suid) && gid_eq(a->sgid, b->sgid) &&
	       uid_eq(a->fsuid, b->fsuid) && gid_eq(a->fsgid, b->fsgid) &&
	       a->securebits == b->securebits && a->user_ns == b->user_ns &&
	       !memcmp(&a->cap_inheritable, &b->cap_inheritable, sizeof(kernel_cap_t)) &&
	       !memcmp(&a->cap_permitted, &b->cap_permitted, sizeof(kernel_cap_t)) &&
	       !memcmp(&a->cap_effective, &b->cap_effective, sizeof(kernel_cap_t)) &&
	       !memcmp(&a->cap_bset, &b->cap_bset, sizeof(kernel_cap_t)) &&
	       !memcmp(&a->cap_ambient, &b->cap_ambient, sizeof(kernel_cap_t)) &&
	       flexsc_groups_eq(a->group_info, b->group_info);
}

/* 0 if current has the registration's identity, else -EXDEV. */
static int flexsc_identity_check(struct flexsc_session *s)
{
	if (current->fs != s->fs || current->files != s->files ||
	    !flexsc_cred_eq(current_cred(), s->cred))
		return -EXDEV;
	return 0;
}

/* ------------------------------------------------------------------ */
/* mmap                                                                */
/* ------------------------------------------------------------------ */

static void flexsc_vm_open(struct vm_area_struct *vma)
{
	struct flexsc_session *s = vma->vm_private_data;

	kref_get(&s->ref);
}

static void flexsc_vm_close(struct vm_area_struct *vma)
{
	flexsc_put(vma->vm_private_data);
}

static const struct vm_operations_struct flexsc_vm_ops = {
	.open = flexsc_vm_open,
	.close = flexsc_vm_close,
	/*
	 * No .fault: every page is inserted at mmap time.  A page zapped
	 * later (MADV_DONTNEED) is gone for this mapping: SIGBUS on access.
	 */
};

/*
 * Map the whole area at once with vm_insert_pages() (the area is vmalloc
 * memory, so page by page through vmalloc_to_page()).  The VMA becomes
 * VM_MIXEDMAP with ordinary refcounted pages: no fault handler, no VM_IO.
 * VM_DONTCOPY: a fork does not inherit it, unless the owner asks with
 * MADV_DOFORK (see README "Fork").
 */
static int flexsc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct flexsc_session *s = flexsc_ready(file->private_data);
	const unsigned long set = VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP;
	unsigned long i, npages, left;
	struct page **pages;
	int ret;

	if (!s)
		return -EINVAL;
	if (current->mm != s->mm)
		return -EPERM;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff != 0 || vma->vm_end - vma->vm_start != s->area_size)
		return -EINVAL;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, VM_MAYEXEC);
#else
	vma->vm_flags |= set;
	vma->vm_flags &= ~VM_MAYEXEC;
#endif
	npages = s->area_size >> PAGE_SHIFT;
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		pages[i] = vmalloc_to_page(s->area + (i << PAGE_SHIFT));
	left = npages;
	ret = vm_insert_pages(vma, vma->vm_start, pages, &left);
	kvfree(pages);
	if (ret)
		return ret;	/* mmap's error path zaps what was inserted */
	if (left)
		return -EFAULT;
	vma->vm_ops = &flexsc_vm_ops;
	vma->vm_private_data = s;
	kref_get(&s->ref);
	return 0;
}

/*
 * Wake-ups go only to the waiters of the entry that completed: a waiter on
 * index i sleeps on done_wq[i % FLEXSC_DONE_WQS] and its wake function
 * ignores completions of other indexes (key = index + 1); WAIT_ANY waiters
 * sleep on any_wq and take every completion; key NULL (STOP) wakes all.
 */
struct flexsc_waiter {
	struct wait_queue_entry wq;
	u32 index;
};

static int flexsc_waiter_wake(struct wait_queue_entry *wq, unsigned int mode, int sync, void *key)
{
	struct flexsc_waiter *w = container_of(wq, struct flexsc_waiter, wq);

	if (key && (unsigned long)key - 1 != w->index)
		return 0;
	return autoremove_wake_function(wq, mode, sync, key);
}

static void flexsc_wake_done(struct flexsc_session *s, u32 i)
{
	wait_queue_head_t *q = &s->done_wq[i & (FLEXSC_DONE_WQS - 1)];

	if (wq_has_sleeper(q))
		__wake_up(q, TASK_INTERRUPTIBLE, 0, (void *)((unsigned long)i + 1));
	if (wq_has_sleeper(&s->any_wq))
		wake_up_interruptible_all(&s->any_wq);
}

static void flexsc_wake_all_waiters(struct flexsc_session *s)
{
	int i;

	for (i = 0; i < FLEXSC_DONE_WQS; i++)
		wake_up_interruptible_all(&s->done_wq[i]);
	wake_up_interruptible_all(&s->any_wq);
}

/* ------------------------------------------------------------------ */
/* Executing entries                                                   */
/* ------------------------------------------------------------------ */

struct flexsc_local {
	u64 st[ST_NR];
	u32 cursor;
};

static bool flexsc_fd_is_flexsc(unsigned long fd)
{
	struct file *f;
	bool ret;

	if (fd > INT_MAX)
		return false;
	f = fget((unsigned int)fd);
	if (!f)
		return false;
	ret = f->f_op == &flexsc_fops;
	fput(f);
	return ret;
}

/* Run an allowlisted call; false if nr is not in the allowlist. */
static bool flexsc_call(unsigned int nr, const struct pt_regs *regs, long *ret)
{
	switch (nr) {
#define FX_CASE(n, sym) case __NR_##n: *ret = static_call(flexsc_sc_##n)(regs); return true;
	FLEXSC_ALLOWED(FX_CASE)
#undef FX_CASE
	}
	return false;
}

static long flexsc_exec(u32 nr, const u64 *a, struct flexsc_local *l)
{
	struct pt_regs regs;
	unsigned int idx;
	long ret;

	if (nr >= FLEXSC_NR_MAX) {
		l->st[ST_ENOSYS]++;
		return -ENOSYS;
	}
	/* as do_syscall_64: no speculation past the bound with a wild nr */
	idx = array_index_nospec(nr, FLEXSC_NR_MAX);
	switch (idx) {
#define FX_FORBID(n) case __NR_##n:
	FLEXSC_FORBIDDEN(FX_FORBID)
#undef FX_FORBID
		l->st[ST_EPERM]++;
		return -EPERM;
	case __NR_close:
	case __NR_ioctl:	/* never on a flexsc file (see also flexsc_inwork) */
		if (flexsc_fd_is_flexsc(a[0])) {
			l->st[ST_EPERM]++;
			return -EPERM;
		}
		break;
	}
	memset(&regs, 0, sizeof(regs));
	regs.di = a[0];
	regs.si = a[1];
	regs.dx = a[2];
	regs.r10 = a[3];
	regs.r8 = a[4];
	regs.r9 = a[5];
	regs.orig_ax = idx;
	regs.ax = -ENOSYS;
	if (!flexsc_call(idx, &regs, &ret)) {
		l->st[ST_ENOSYS]++;
		return -ENOSYS;
	}
	return ret;
}

/*
 * An entry failed with -ERESTART*: a signal for the syscall thread is
 * pending.  Decide as the signal code would for a trapping system call of
 * this thread, from the handler of the signal that will be delivered first
 * (synchronous ones first, then the lowest number): true if the call is to
 * be restarted (ERESTARTNOINTR; ERESTARTSYS with SA_RESTART or without a
 * handler; ERESTARTNOHAND without a handler), false if it fails with EINTR
 * (a handler without SA_RESTART, a fatal signal, ERESTART_RESTARTBLOCK
 * whose restart block a re-execution would not honour).
 */
/* kernel/signal.c's SYNCHRONOUS_MASK (not in a header) */
#define FLEXSC_SYNC_SIGNALS \
	(sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | \
	 sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS))

static bool flexsc_restartable(long ret)
{
	struct sighand_struct *sh = current->sighand;
	sigset_t pend;
	bool restart = true;
	int sig;

	if (ret == -ERESTART_RESTARTBLOCK || fatal_signal_pending(current) ||
	    !signal_pending(current))
		return false;
	if (ret == -ERESTARTNOINTR)
		return true;
	spin_lock_irq(&sh->siglock);
	sigorsets(&pend, &current->pending.signal, &current->signal->shared_pending.signal);
	sigandnsets(&pend, &pend, &current->blocked);
	if (pend.sig[0] & FLEXSC_SYNC_SIGNALS)
		pend.sig[0] &= FLEXSC_SYNC_SIGNALS;
	for (sig = 1; sig <= _NSIG; sig++) {
		struct k_sigaction *ka;

		if (!sigismember(&pend, sig))
			continue;
		ka = &sh->action[sig - 1];
		if (ka->sa.sa_handler != SIG_IGN && ka->sa.sa_handler != SIG_DFL)
			restart = ret == -ERESTARTSYS && (ka->sa.sa_flags & SA_RESTART);
		break;
	}
	spin_unlock_irq(&sh->siglock);
	return restart;
}

static bool flexsc_should_return(struct flexsc_session *s)
{
	return signal_pending(current) || task_work_pending(current) ||
	       READ_ONCE(s->stopped);
}

/*
 * One scan over the area: claim and run every SUBMITTED entry.  Returns
 * the number of entries executed.  Stops early when the thread has to go
 * back to user space.
 */
static u32 flexsc_scan(struct flexsc_session *s, struct flexsc_local *l)
{
	bool denied = flexsc_task_denied();
	u32 n = s->nentries, k, i, done = 0;

	for (k = 0, i = l->cursor; k < n; k++, i++) {
		struct flexsc_entry *e;
		u64 args[6];
		u32 nr;
		long ret;
		int j;

		if (i >= n)
			i = 0;
		e = &s->ent[i];
		if (READ_ONCE(e->status) != FLEXSC_STATUS_SUBMITTED)
			continue;
		/* Fully ordered: acts as ACQUIRE for nr/args below. */
		if (cmpxchg(&e->status, FLEXSC_STATUS_SUBMITTED,
			    FLEXSC_STATUS_BUSY) != FLEXSC_STATUS_SUBMITTED)
			continue;
		/* Copy once; the kernel never looks at the user copy again. */
		nr = READ_ONCE(e->nr);
		for (j = 0; j < 6; j++)
			args[j] = READ_ONCE(e->args[j]);

		if (denied) {
			l->st[ST_EPERM]++;
			ret = -EPERM;
		} else {
			ret = flexsc_exec(nr, args, l);
		}
		if (ret >= -ERESTART_RESTARTBLOCK && ret <= -ERESTARTSYS) {
			if (flexsc_restartable(ret)) {
				/*
				 * Give the entry back untouched (nr and args
				 * are intact: result was not written) and
				 * leave, so that the signal is delivered; this
				 * or another syscall thread runs it again.
				 */
				smp_store_release(&e->status, FLEXSC_STATUS_SUBMITTED);
				flexsc_restarts_inc();
				i++;
				break;
			}
			ret = -EINTR;
		}
		WRITE_ONCE(e->result, ret);
		smp_store_release(&e->status, FLEXSC_STATUS_DONE);
		done++;
		flexsc_wake_done(s, i);
		if (flexsc_should_return(s)) {
			i++;
			break;
		}
		if ((done & 15) == 0)
			cond_resched();
	}
	l->cursor = i >= n ? 0 : i;
	if (done) {
		atomic64_add(done, (atomic64_t *)&s->hdr->completed);
		l->st[ST_ENTRIES] += done;
		l->st[ST_BATCHES]++;
	} else {
		l->st[ST_EMPTY]++;
	}
	return done;
}

static bool flexsc_any_submitted(struct flexsc_session *s)
{
	u32 i;

	for (i = 0; i < s->nentries; i++)
		if (READ_ONCE(s->ent[i].status) == FLEXSC_STATUS_SUBMITTED)
			return true;
	return false;
}

static void flexsc_publish_sleep_state(struct flexsc_session *s)
{
	lockdep_assert_held(&s->lock);
	WRITE_ONCE(s->hdr->flags, s->need_wakeup ? FLEXSC_HDR_NEED_WAKEUP : 0);
	WRITE_ONCE(s->hdr->nsleeping, s->nsleeping);
}

static void flexsc_flush_stats(struct flexsc_session *s, struct flexsc_local *l)
{
	int i;

	for (i = 0; i < ST_NR; i++) {
		flexsc_stat_add(s, i, l->st[i]);
		l->st[i] = 0;
	}
}

static void flexsc_pin(struct flexsc_session *s)
{
	cpumask_var_t m;

	if (!s->has_cpus || !alloc_cpumask_var(&m, GFP_KERNEL))
		return;
	/* Never widen the thread's affinity; intersect with what it has. */
	if (cpumask_and(m, s->cpus, current->cpus_ptr) &&
	    !cpumask_equal(m, current->cpus_ptr))
		set_cpus_allowed_ptr(current, m);
	free_cpumask_var(m);
}

static long flexsc_work(struct flexsc_session *s, struct flexsc_work __user *uarg)
{
	struct flexsc_local l = { };
	struct flexsc_inwork inwork;
	struct flexsc_work w;
	u64 spin_ns, idle_since, executed = 0;
	long ret = 0;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (w.flags || w.spin_us > FLEXSC_MAX_SPIN_US)
		return -EINVAL;
	spin_ns = (u64)(w.spin_us ? w.spin_us : FLEXSC_DEFAULT_SPIN_US) * NSEC_PER_USEC;
	w.reason = 0;

	flexsc_pin(s);
	flexsc_inwork_enter(&inwork);
	WRITE_ONCE(s->hdr->nworkers, atomic_inc_return(&s->nworkers));
	l.cursor = (u32)current->pid % s->nentries;
	idle_since = ktime_get_ns();

	for (;;) {
		u64 seq;
		u32 n;

		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (READ_ONCE(s->stopped)) {
			w.reason = FLEXSC_WORK_STOPPED;
			break;
		}
		if (task_work_pending(current)) {
			w.reason = FLEXSC_WORK_TASKWORK;
			break;
		}
		n = flexsc_scan(s, &l);
		executed += n;
		if (n) {
			flexsc_flush_stats(s, &l);	/* keep STATS current */
			idle_since = ktime_get_ns();
			cond_resched();
			continue;
		}
		if (ktime_get_ns() - idle_since < spin_ns) {
			cpu_relax();
			cond_resched();
			continue;
		}

		/* Go to sleep: publish NEED_WAKEUP, full barrier, rescan. */
		spin_lock(&s->lock);
		seq = s->wake_seq;
		s->nsleeping++;
		s->need_wakeup = true;
		flexsc_publish_sleep_state(s);
		spin_unlock(&s->lock);
		smp_mb();
		if (!flexsc_any_submitted(s)) {
			l.st[ST_SLEEPS]++;
			flexsc_flush_stats(s, &l);
			wait_event_interruptible(s->work_wq,
				READ_ONCE(s->wake_seq) != seq ||
				READ_ONCE(s->stopped) ||
				task_work_pending(current));
		}
		spin_lock(&s->lock);
		s->nsleeping--;
		/* WAKE clears the flag; the last sleeper leaving clears it too. */
		if (!s->nsleeping)
			s->need_wakeup = false;
		flexsc_publish_sleep_state(s);
		spin_unlock(&s->lock);
		idle_since = ktime_get_ns();
	}

	WRITE_ONCE(s->hdr->nworkers, atomic_dec_return(&s->nworkers));
	flexsc_inwork_leave(&inwork);
	flexsc_flush_stats(s, &l);
	if (ret)
		return ret;
	w.executed = executed;
	if (copy_to_user(uarg, &w, sizeof(w)))
		return -EFAULT;
	return 0;
}

static long flexsc_wake(struct flexsc_session *s)
{
	bool woke;

	spin_lock(&s->lock);
	woke = s->nsleeping != 0;
	s->wake_seq++;
	s->need_wakeup = false;
	flexsc_publish_sleep_state(s);
	spin_unlock(&s->lock);
	if (woke) {
		wake_up_interruptible_all(&s->work_wq);
		flexsc_stat_add(s, ST_WAKEUPS, 1);
	}
	return 0;
}

static bool flexsc_wait_cond(struct flexsc_session *s, u32 index)
{
	u32 i, st;

	if (index != FLEXSC_WAIT_ANY) {
		st = READ_ONCE(s->ent[index].status);
		return st != FLEXSC_STATUS_SUBMITTED && st != FLEXSC_STATUS_BUSY;
	}
	for (i = 0; i < s->nentries; i++)
		if (READ_ONCE(s->ent[i].status) == FLEXSC_STATUS_DONE)
			return true;
	return false;
}

static long flexsc_wait(struct flexsc_session *s, struct flexsc_wait __user *uarg)
{
	struct flexsc_waiter wt;
	struct flexsc_wait w;
	wait_queue_head_t *q;
	ktime_t expires = 0;
	long ret = 0;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (w.flags || (w.index != FLEXSC_WAIT_ANY && w.index >= s->nentries))
		return -EINVAL;
	if (w.index != FLEXSC_WAIT_ANY)
		w.index = array_index_nospec(w.index, s->nentries);
	flexsc_stat_add(s, ST_WAITS, 1);

	if (w.timeout_ns == 0) {
		ret = flexsc_wait_cond(s, w.index) ? 0 : -ETIMEDOUT;
		goto out;
	}
	if (w.timeout_ns > 0)
		expires = ktime_add_safe(ktime_get(), ns_to_ktime(w.timeout_ns));
	q = w.index == FLEXSC_WAIT_ANY ? &s->any_wq :
		&s->done_wq[w.index & (FLEXSC_DONE_WQS - 1)];
	init_waitqueue_func_entry(&wt.wq, flexsc_waiter_wake);
	INIT_LIST_HEAD(&wt.wq.entry);
	wt.wq.private = current;
	wt.index = w.index;
	for (;;) {
		prepare_to_wait(q, &wt.wq, TASK_INTERRUPTIBLE);
		if (flexsc_wait_cond(s, w.index) || READ_ONCE(s->stopped))
			break;
		/* EINTR with or without a timeout: never restarted */
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (w.timeout_ns < 0) {
			schedule();
		} else if (!schedule_hrtimeout_range(&expires, current->timer_slack_ns,
						     HRTIMER_MODE_ABS)) {
			ret = flexsc_wait_cond(s, w.index) ? 0 : -ETIMEDOUT;
			break;
		}
	}
	finish_wait(q, &wt.wq);
out:
	if (!ret && READ_ONCE(s->stopped) && !flexsc_wait_cond(s, w.index))
		ret = -ESHUTDOWN;
	return ret;
}

/*
 * Reserve one of the mm's flexsc_max_areas areas (EMFILE past it).  Walks
 * the live sessions: registration is rare, and the list is bounded by the
 * number of open flexsc files and mappings.
 */
static int flexsc_count_area(struct flexsc_session *s)
{
	unsigned int max = READ_ONCE(flexsc_max_areas), n = 0;
	struct flexsc_session *o;
	int ret = 0;

	spin_lock(&flexsc_lock);
	list_for_each_entry(o, &flexsc_sessions, node)
		if (o->mm == s->mm && o->area_counted)
			n++;
	if (n >= max)
		ret = -EMFILE;
	else
		s->area_counted = true;
	spin_unlock(&flexsc_lock);
	return ret;
}

static void flexsc_uncount_area(struct flexsc_session *s)
{
	spin_lock(&flexsc_lock);
	s->area_counted = false;
	spin_unlock(&flexsc_lock);
}

static long flexsc_register(struct flexsc_session *s,
			    struct flexsc_register __user *uarg)
{
	struct flexsc_register r;
	size_t size;
	void *area;
	int ret = 0;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	if (r.flags || r.nentries < FLEXSC_MIN_ENTRIES ||
	    r.nentries > FLEXSC_MAX_ENTRIES)
		return -EINVAL;
	if (r.cpumask_ptr ? (r.cpumask_size < 8 || r.cpumask_size > FLEXSC_MAX_CPUMASK ||
			     r.cpumask_size % 8) : r.cpumask_size)
		return -EINVAL;
	if (flexsc_task_denied())
		return -EPERM;
	if (current->mm != s->mm)
		return -EPERM;
	ret = flexsc_access_check();
	if (ret)
		return ret;

	mutex_lock(&s->reg_lock);
	if (s->registered) {
		ret = -EBUSY;
		goto out;
	}
	if (r.cpumask_ptr) {
		unsigned long *bits;
		unsigned int nbits = r.cpumask_size * BITS_PER_BYTE;

		bits = kzalloc(max_t(size_t, r.cpumask_size, cpumask_size()), GFP_KERNEL);
		if (!bits) {
			ret = -ENOMEM;
			goto out;
		}
		if (copy_from_user(bits, u64_to_user_ptr(r.cpumask_ptr), r.cpumask_size)) {
			kfree(bits);
			ret = -EFAULT;
			goto out;
		}
		/* Only CPUs that exist; bits beyond nr_cpu_ids are ignored. */
		if (nbits > nr_cpu_ids)
			bitmap_clear(bits, nr_cpu_ids, nbits - nr_cpu_ids);
		cpumask_and(s->cpus, to_cpumask(bits), cpu_possible_mask);
		kfree(bits);
		if (!cpumask_intersects(s->cpus, current->cpus_ptr)) {
			ret = -EINVAL;
			goto out;
		}
		s->has_cpus = true;
	}

	size = FLEXSC_HEADER_SIZE + PAGE_ALIGN((size_t)r.nentries * FLEXSC_ENTRY_SIZE);
	ret = flexsc_count_area(s);
	if (ret)
		goto out;
	/*
	 * Charged to the caller's memory cgroup (vmalloc_user() is not),
	 * zeroed: every entry starts FREE.
	 */
	area = __vmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!area) {
		flexsc_uncount_area(s);
		ret = -ENOMEM;
		goto out;
	}
	s->cred = get_current_cred();
	s->fs = current->fs;
	s->files = current->files;
	s->area = area;
	s->area_size = size;
	s->hdr = area;
	s->ent = area + FLEXSC_HEADER_SIZE;
	s->nentries = r.nentries;
	s->hdr->magic = FLEXSC_MAGIC;
	s->hdr->abi_version = FLEXSC_ABI_VERSION;
	s->hdr->nentries = r.nentries;
	s->hdr->entries_offset = FLEXSC_HEADER_SIZE;

	r.abi_version = FLEXSC_ABI_VERSION;
	r.entry_size = FLEXSC_ENTRY_SIZE;
	r.entries_offset = FLEXSC_HEADER_SIZE;
	r.area_size = size;
	if (copy_to_user(uarg, &r, sizeof(r))) {
		/* Not registered: undo, so that a retry starts from scratch. */
		s->area = NULL;
		s->hdr = NULL;
		s->ent = NULL;
		s->nentries = 0;
		s->area_size = 0;
		s->has_cpus = false;
		put_cred(s->cred);
		s->cred = NULL;
		vfree(area);
		flexsc_uncount_area(s);
		ret = -EFAULT;
		goto out;
	}
	smp_store_release(&s->registered, true);
out:
	mutex_unlock(&s->reg_lock);
	return ret;
}

static long flexsc_stats_ioctl(struct flexsc_session *s, void __user *uarg)
{
	struct flexsc_stats st;
	u64 *v = (u64 *)&st;
	int i;

	static_assert(sizeof(st) == ST_NR * sizeof(u64));
	for (i = 0; i < ST_NR; i++)
		v[i] = flexsc_pcpu_sum(s->stats, i);
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long flexsc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct flexsc_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (cmd == FLEXSC_IOC_VERSION) {
		u32 v = FLEXSC_ABI_VERSION;

		return put_user(v, (u32 __user *)uarg);
	}
	/* Never inside an entry of a syscall thread (see flexsc_inwork). */
	if (flexsc_in_work())
		return -EDEADLK;
	/* A session belongs to the mm that opened it (not a forked child). */
	if (current->mm != s->mm)
		return -EPERM;
	if (cmd == FLEXSC_IOC_REGISTER)
		return flexsc_register(s, uarg);

	s = flexsc_ready(s);
	if (!s)
		return -EINVAL;
	switch (cmd) {
	case FLEXSC_IOC_WORK:
	case FLEXSC_IOC_WAKE:
	case FLEXSC_IOC_WAIT: {
		int ret = flexsc_identity_check(s);

		if (ret)
			return ret;
		break;
	}
	}
	switch (cmd) {
	case FLEXSC_IOC_WORK:
		return flexsc_work(s, uarg);
	case FLEXSC_IOC_WAKE:
		return flexsc_wake(s);
	case FLEXSC_IOC_WAIT:
		return flexsc_wait(s, uarg);
	case FLEXSC_IOC_STATS:
		return flexsc_stats_ioctl(s, uarg);
	case FLEXSC_IOC_STOP:
		WRITE_ONCE(s->stopped, true);
		flexsc_wake(s);
		wake_up_interruptible_all(&s->work_wq);
		flexsc_wake_all_waiters(s);
		return 0;
	}
	return -ENOTTY;
}

static int flexsc_open(struct inode *inode, struct file *file)
{
	struct flexsc_session *s;
	int ret, i;

	if (!current->mm)
		return -EPERM;
	ret = flexsc_access_check();
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->stats = alloc_percpu_gfp(struct flexsc_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!s->stats || !zalloc_cpumask_var(&s->cpus, GFP_KERNEL_ACCOUNT)) {
		free_percpu(s->stats);
		kfree(s);
		return -ENOMEM;
	}
	kref_init(&s->ref);
	mutex_init(&s->reg_lock);
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->work_wq);
	for (i = 0; i < FLEXSC_DONE_WQS; i++)
		init_waitqueue_head(&s->done_wq[i]);
	init_waitqueue_head(&s->any_wq);
	atomic_set(&s->nworkers, 0);
	mmgrab(current->mm);
	s->mm = current->mm;
	s->tgid = current->tgid;
	spin_lock(&flexsc_lock);
	list_add_tail(&s->node, &flexsc_sessions);
	spin_unlock(&flexsc_lock);
	atomic64_inc(&flexsc_sessions_total);
	file->private_data = s;
	return 0;
}

static int flexsc_release(struct inode *inode, struct file *file)
{
	struct flexsc_session *s = file->private_data;

	/* No ioctl can be running: they hold a reference to the file. */
	WRITE_ONCE(s->stopped, true);
	flexsc_put(s);
	return 0;
}

static const struct file_operations flexsc_fops = {
	.owner = THIS_MODULE,
	.open = flexsc_open,
	.release = flexsc_release,
	.unlocked_ioctl = flexsc_ioctl,
	/* no compat_ioctl: 32-bit callers get ENOTTY */
	.mmap = flexsc_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice flexsc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "flexsc",
	.fops = &flexsc_fops,
	.mode = 0660,	/* group flexsc: udev rule 60-flexsc.rules */
};

/* ------------------------------------------------------------------ */
/* debugfs: /sys/kernel/debug/flexsc/{stats,sessions}                  */
/* ------------------------------------------------------------------ */

static int flexsc_stats_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "abi_version %u\n", FLEXSC_ABI_VERSION);
	seq_printf(m, "sessions_total %lld\n", atomic64_read(&flexsc_sessions_total));
	for (i = 0; i < ST_NR; i++)
		seq_printf(m, "%s %llu\n", flexsc_stat_names[i],
			   flexsc_pcpu_sum(&flexsc_gstats, i));
	{
		u64 r = 0;
		int cpu;

		for_each_possible_cpu(cpu)
			r += READ_ONCE(*per_cpu_ptr(&flexsc_grestarts, cpu));
		seq_printf(m, "restarts %llu\n", r);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(flexsc_stats);

static int flexsc_sessions_show(struct seq_file *m, void *v)
{
	struct flexsc_session *s;
	int i;

	spin_lock(&flexsc_lock);
	list_for_each_entry(s, &flexsc_sessions, node) {
		seq_printf(m, "tgid %d nentries %u nworkers %d", s->tgid,
			   READ_ONCE(s->nentries), atomic_read(&s->nworkers));
		for (i = 0; i < ST_NR; i++)
			seq_printf(m, " %s %llu", flexsc_stat_names[i],
				   flexsc_pcpu_sum(s->stats, i));
		seq_putc(m, '\n');
	}
	spin_unlock(&flexsc_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(flexsc_sessions);

static int __init flexsc_init(void)
{
	int ret;

	flexsc_inwork_init();
	ret = flexsc_resolve();
	if (ret)
		return ret;
	ret = misc_register(&flexsc_misc);
	if (ret) {
		pr_err("misc_register failed (%d)\n", ret);
		return ret;
	}
	flexsc_debugfs = debugfs_create_dir("flexsc", NULL);
	debugfs_create_file("stats", 0444, flexsc_debugfs, NULL, &flexsc_stats_fops);
	debugfs_create_file("sessions", 0400, flexsc_debugfs, NULL, &flexsc_sessions_fops);
	pr_info("loaded, ABI %u, %zu allowed system calls\n",
		FLEXSC_ABI_VERSION, ARRAY_SIZE(flexsc_allow_nr));
	return 0;
}

static void __exit flexsc_exit(void)
{
	debugfs_remove_recursive(flexsc_debugfs);
	misc_deregister(&flexsc_misc);
}

module_init(flexsc_init);
module_exit(flexsc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FlexSC exception-less system calls");
MODULE_VERSION("1");
