/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kprobe witness of the kernel's DMA cache maintenance
 * (arch_sync_dma_for_device/cpu), shared by dmaapi_sync, dmaapi_dmabuf_sync
 * and dmaapi_chan.
 */
#ifndef DMAAPI_KPROBE_SYNC_H
#define DMAAPI_KPROBE_SYNC_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#if defined(__arm__)
/*
 * Does the running 32-bit ARM kernel use LPAE's 3-level page tables?  Its
 * fault table names do_sect_fault only without LPAE (arch/arm/mm/fault.c),
 * and do_bad in both, which shows that kallsyms lists static functions.
 * 1, 0, or -1: cannot tell.
 */
static inline int arm_lpae(void)
{
	char line[256], name[128], type;
	bool sect = false, bad = false;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "do_sect_fault"))
			sect = true;
		else if (!strcmp(name, "do_bad"))
			bad = true;
	}
	fclose(f);
	return bad ? !sect : -1;
}
#endif

/*
 * The kprobe fetch arguments of arch_sync_dma_for_{device,cpu}(paddr, size,
 * dir) as "paddr=... size=... dir=...".  32-bit ARM has no $argN (no
 * HAVE_FUNCTION_ARG_ACCESS_API): its registers, where with LPAE the 64-bit
 * phys_addr_t takes r0:r1 (the test boards' RAM lies below 4 GiB: r0), size
 * r2 and dir r3, else r0, r1 and r2.
 */
static inline const char *sync_probe_args(void)
{
#if defined(__arm__)
	return arm_lpae() == 1 ? "paddr=%r0:x32 size=%r2:x32 dir=%r3:s32" :
				 "paddr=%r0:x32 size=%r1:x32 dir=%r2:s32";
#else
	return "paddr=$arg1:x64 size=$arg2:x64 dir=$arg3:s32";
#endif
}

/*
 * A set of kprobe events in one group of tracefs: the witness the booted
 * tests use to see which cache maintenance the kernel really did (TCG models
 * no caches, so the data alone cannot tell).  Single-threaded use.
 */
struct kprobe_witness {
	char tracefs[64];
	char group[32];
	char names[4][16];
	unsigned int nprobes;
};

/* One event of the trace buffer: a sync's range and direction, or a return value. */
struct kprobe_event {
	uint64_t paddr, size, prot;
	int dir;
};

static inline int kw_write(const struct kprobe_witness *w, const char *file, const char *s,
			   bool append)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", w->tracefs, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

static inline int kw_enable(struct kprobe_witness *w, bool on)
{
	char file[64];

	snprintf(file, sizeof(file), "events/%s/enable", w->group);
	return kw_write(w, file, on ? "1\n" : "0\n", false);
}

/* Finds (or mounts) tracefs for events of @group: NULL, or why there are none. */
static inline const char *kw_open(struct kprobe_witness *w, const char *group)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128];

	memset(w, 0, sizeof(*w));
	snprintf(w->group, sizeof(w->group), "%s", group);
	for (unsigned int i = 0; i < 2 && !w->tracefs[0]; i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (!access(path, W_OK))
			snprintf(w->tracefs, sizeof(w->tracefs), "%s", dirs[i]);
	}
	if (!w->tracefs[0] && !mount("tracefs", dirs[0], "tracefs", 0, NULL) &&
	    !access("/sys/kernel/tracing/kprobe_events", W_OK))
		snprintf(w->tracefs, sizeof(w->tracefs), "%s", dirs[0]);
	if (!w->tracefs[0])
		return "no kprobe events in this kernel (CONFIG_KPROBE_EVENTS)";
	kw_enable(w, false);	/* what a crashed earlier run left on */
	return NULL;
}

/*
 * Places "@type:group/@name @func @args" (@type 'p' or 'r'), replacing one a
 * crashed earlier run left; 0 or -errno (the kernel has no such function).
 */
static inline int kw_add(struct kprobe_witness *w, char type, const char *name,
			 const char *func, const char *args)
{
	char def[256];

	if (w->nprobes == sizeof(w->names) / sizeof(w->names[0]))
		return -ENOSPC;
	snprintf(def, sizeof(def), "-:%s/%s\n", w->group, name);
	kw_write(w, "kprobe_events", def, true);
	snprintf(def, sizeof(def), "%c:%s/%s %s %s\n", type, w->group, name, func, args);
	if (kw_write(w, "kprobe_events", def, true))
		return -ENOENT;
	snprintf(w->names[w->nprobes++], sizeof(w->names[0]), "%s", name);
	return 0;
}

/* "to_dev" and "to_cpu" on the architecture's DMA cache maintenance (x86 has none). */
static inline int kw_add_sync_probes(struct kprobe_witness *w)
{
	if (kw_add(w, 'p', "to_dev", "arch_sync_dma_for_device", sync_probe_args()) ||
	    kw_add(w, 'p', "to_cpu", "arch_sync_dma_for_cpu", sync_probe_args()))
		return -ENOENT;
	return 0;
}

static inline void kw_clear(struct kprobe_witness *w)
{
	if (w->tracefs[0])
		kw_write(w, "trace", "", false);
}

/* Disables and removes the group's probes; the witness can be opened again. */
static inline void kw_close(struct kprobe_witness *w)
{
	char def[64];

	if (!w->tracefs[0])
		return;
	kw_enable(w, false);
	while (w->nprobes) {
		snprintf(def, sizeof(def), "-:%s/%s\n", w->group, w->names[--w->nprobes]);
		kw_write(w, "kprobe_events", def, true);
	}
	w->tracefs[0] = 0;
}

/* Calls @fn for each event @name in the trace buffer; -errno if it cannot be read. */
static inline int kw_each(const struct kprobe_witness *w, const char *name,
			  void (*fn)(void *arg, const struct kprobe_event *e), void *arg)
{
	char path[128], line[512], tag[48];
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", w->tracefs);
	snprintf(tag, sizeof(tag), " %s: (", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct kprobe_event e = { .dir = -1 };
		unsigned long long a, b;
		char *p;

		if (line[0] == '#' || !strstr(line, tag))
			continue;
		if ((p = strstr(line, "paddr=")) && sscanf(p, "paddr=%llx size=%llx", &a, &b) == 2) {
			e.paddr = a;
			e.size = b;
			if ((p = strstr(p, "dir=")))
				sscanf(p, "dir=%d", &e.dir);
		} else if ((p = strstr(line, "prot=")) && sscanf(p, "prot=%llx", &a) == 1) {
			e.prot = a;
		} else {
			continue;
		}
		fn(arg, &e);
	}
	fclose(f);
	return 0;
}

#endif /* DMAAPI_KPROBE_SYNC_H */
