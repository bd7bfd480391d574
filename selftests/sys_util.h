/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small system helpers the test programs and dmaapi-bench share: a pin
 * limit, a sysfs write, a driver rebind, a probe of whether a mapping still reads, where
 * user pages lie physically, a udmabuf, a node's interrupt counts.
 */
#ifndef DMAAPI_SYS_UTIL_H
#define DMAAPI_SYS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/udmabuf.h>

/*
 * Drops CAP_IPC_LOCK from the effective set and sets RLIMIT_MEMLOCK to
 * @bytes: the pins of this process's MAP_USER are limited from now on.
 * 0 or -1 (errno set).
 */
static inline int restrict_pins_to(size_t bytes)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct rlimit rl = { bytes, bytes };

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	return setrlimit(RLIMIT_MEMLOCK, &rl);
}

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

/*
 * Gives device @name of bus @bus ("pci", "platform") to @driver through
 * driver_override, unbinding it from the driver it has first; @driver ""
 * leaves it unbound and clears the override.  0 or -errno.
 */
static inline int dev_rebind(const char *bus, const char *name, const char *driver)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver/unbind", bus, name);
	if (access(path, F_OK) == 0) {
		ret = write_file(path, name);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override", bus, name);
	ret = write_file(path, *driver ? driver : "\n");
	if (ret || !*driver)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", bus);
	return write_file(path, name);
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

/*
 * A udmabuf of @len bytes over a new sealed memfd, returned in *@mfd (the
 * CPU's view of the buffer): the dma-buf's fd, or -errno, -ENOENT meaning
 * the kernel has no /dev/udmabuf.
 */
static inline int udmabuf_new(size_t len, int *mfd)
{
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = len };
	int ufd = open("/dev/udmabuf", O_RDWR | O_CLOEXEC), memfd, dfd, err;

	*mfd = -1;
	if (ufd < 0)
		return -errno;
	memfd = memfd_create("dmaapi_udmabuf", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, len) || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		err = errno == ENOENT ? EIO : errno;
		if (memfd >= 0)
			close(memfd);
		close(ufd);
		return -err;
	}
	c.memfd = memfd;
	dfd = ioctl(ufd, UDMABUF_CREATE, &c);
	err = errno == ENOENT ? EIO : errno;
	close(ufd);
	if (dfd < 0) {
		close(memfd);
		return -err;
	}
	*mfd = memfd;
	return dfd;
}

/* The node's irq_counts line for (@type, @index): its count, -1 if none, -2 no file. */
static inline long long sysfs_count(const char *name, const char *type, unsigned int index)
{
	char path[256], t[16], line[128];
	unsigned long long c;
	unsigned int i;
	long long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/dmaapi-%s/irq_counts", name);
	f = fopen(path, "re");
	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%15s %u %llu", t, &i, &c) == 3 && !strcmp(t, type) && i == index)
			ret = c;
	fclose(f);
	return ret;
}

#endif /* DMAAPI_SYS_UTIL_H */
