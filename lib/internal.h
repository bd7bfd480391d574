/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libdmaapi internals: not installed. */
#ifndef DMAAPI_INTERNAL_H
#define DMAAPI_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

/* The library defines the functions the header inlines: never expand them. */
#ifndef DMAAPI_NO_INLINE
#define DMAAPI_NO_INLINE
#endif
#include <dmaapi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAAPI_EXPORT __attribute__((visibility("default")))

struct dmaapi_device {
	const struct dmaapi_ops *ops;	/* &own_ops, or the Linux backend's */
	struct dmaapi_ops own_ops;	/* dmaapi_device_new(): the caller's, copied */
	void *ctx;
	uint64_t mask;
	size_t page_size;
	unsigned long refs;	/* the caller's reference + one per container */
	int fd;			/* Linux backend: the open node, else -1 */
	uint32_t api_version;	/* Linux backend: from GET_INFO */
	uint64_t boundary;	/* dmaapi_device_set_constraints(): 0 = none */
	uint64_t max_segment;	/* 0 = none */
};

/* Error helpers: record the failure in this thread's last error and return
 * -code. */
int dmaapi__fail(int code, int sys_errno);
int dmaapi__fail_mask(uint64_t addr, uint64_t mask, int sys_errno);
int dmaapi__fail_align(uint64_t address, uint64_t required, int sys_errno);
int dmaapi__fail_segment(uint64_t size, uint64_t max);
int dmaapi__fail_boundary(uint64_t addr, uint64_t size, uint64_t boundary);
/* errno -> code: ENOMEM -> NO_MEMORY, everything else -> SYSTEM */
/* Kernel API versions this library speaks: (major << 16) | minor, where a
 * plain 1 (what API 1.0 modules report) is 1.0. */
#define DMAAPI__API_MAJOR 1
static inline uint32_t dmaapi__api_major(uint32_t v)
{
	return v >> 16 ? v >> 16 : v;
}
int dmaapi__fail_errno(int err);

/* Device references (containers pin their device). */
void dmaapi__device_get(struct dmaapi_device *dev);
void dmaapi__device_put(struct dmaapi_device *dev);

/* Default cache maintenance (the crate's arch module). */
void dmaapi__arch_flush(void *addr, size_t size);
void dmaapi__arch_invalidate(void *addr, size_t size);
void dmaapi__arch_flush_invalidate(void *addr, size_t size);
/* Their arithmetic, testable on any host. */
size_t dmaapi__ctr_dcache_line(uint64_t ctr);
size_t dmaapi__dcache_lines(uintptr_t addr, size_t size, size_t line, uintptr_t *first);

/* Regions (region.c): allocate/map with the library's own mask and
 * alignment checks, undo, and the syncs with the crate's defaults. */
int dmaapi__region_alloc(struct dmaapi_device *dev, struct dmaapi_region *r);
void dmaapi__region_dealloc(struct dmaapi_device *dev, struct dmaapi_region *r);
int dmaapi__region_map(struct dmaapi_device *dev, struct dmaapi_region *r);
void dmaapi__region_unmap(struct dmaapi_device *dev, struct dmaapi_region *r);
int dmaapi__prepare_read(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			 size_t offset, size_t size);
int dmaapi__confirm_write(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			  size_t offset, size_t size);

/* dma-buf (dmabuf.c, containers.c; since 1.3). */
struct dmaapi_device *dmaapi__container_device(const void *container);
int dmaapi__map_adopt(struct dmaapi_device *dev, const struct dmaapi_region *r,
		      size_t elem_size, size_t len, struct dmaapi_map **out);
void dmaapi__dmabuf_unmap(struct dmaapi_device *dev, struct dmaapi_region *r);

/* Linux backend (linux.c). */
extern const struct dmaapi_ops dmaapi__linux_ops;
int dmaapi__linux_info(const struct dmaapi_device *dev, struct dmaapi_device_info *info);

/* Vectored syncs (syncv.c, linux.c; since 1.6). */
struct dmaapi_sync_range;
/* One DMAAPI_IOCTL_SYNCV of @n (1..DMAAPI_SYNCV_MAX) ranges: 0 or -errno. */
int dmaapi__linux_syncv(const struct dmaapi_device *dev, const struct dmaapi_sync_range *ranges,
			uint32_t n);
/* Check every range of a container's region, then sync them. */
int dmaapi__sync_ranges(const struct dmaapi_device *dev, const struct dmaapi_region *r,
			size_t elem_size, size_t len, const struct dmaapi_elem_range *ranges,
			size_t n);

static inline bool dmaapi__is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static inline bool dmaapi__dir_valid(enum dmaapi_direction dir)
{
	return dir == DMAAPI_BIDIRECTIONAL || dir == DMAAPI_TO_DEVICE ||
	       dir == DMAAPI_FROM_DEVICE;
}

#endif /* DMAAPI_INTERNAL_H */
