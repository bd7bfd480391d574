/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small system helpers the test programs share: a sysfs write, a probe of
 * whether a mapping still reads, and where user pages lie physically.
 */
#ifndef DMAAPI_SYS_UTIL_H
#define DMAAPI_SYS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* Writes @val to the sysfs (or proc) file @path: 0 or -errno. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static sigjmp_buf sys_util_fault_jmp;

static inline void sys_util_on_fault(int sig)
{
	siglongjmp(sys_util_fault_jmp, sig);
}

/*
 * 0 if the 32-bit word at @p reads, else the signal it raised (SIGBUS for a
 * revoked mapping).  Single-threaded use.
 */
static inline int probe_read(volatile void *p)
{
	struct sigaction sa = { .sa_handler = sys_util_on_fault }, old_bus, old_segv;
	int sig;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(sys_util_fault_jmp, 1);
	if (!sig)
		(void)*(volatile uint32_t *)p;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

/*
 * Faults in every page of [@p, @p + @len) and tells whether all of them lie
 * physically below @mask (/proc/self/pagemap, as root): 1, 0, or -errno.
 */
static inline int pages_below(uint8_t *p, size_t len, uint64_t mask)
{
	long pg = sysconf(_SC_PAGESIZE);
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), ret = 1;
	uint64_t ent;

	if (pm < 0)
		return -errno;
	for (size_t off = 0; off < len && ret == 1; off += pg) {
		p[off] = 0;	/* fault it in */
		if (pread(pm, &ent, sizeof(ent), ((uintptr_t)(p + off) / pg) * sizeof(ent)) !=
		    sizeof(ent))
			ret = -EIO;
		else if (!(ent >> 63) || ((ent & ((1ULL << 55) - 1)) + 1) * pg - 1 > mask)
			ret = 0;
	}
	close(pm);
	return ret;
}

#endif /* DMAAPI_SYS_UTIL_H */
