// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Linux backend: struct dmaapi_ops over the ioctls of /dev/dmaapi
 * (include/uapi/linux/dmaapi.h).  The ops' ctx is the device itself.
 *
 *   alloc_coherent    DMAAPI_IOCTL_ALLOC (+ DMAAPI_ALLOC_CACHED), mmap MAP_SHARED
 *   dealloc_coherent  munmap, DMAAPI_IOCTL_FREE
 *   map_single        DMAAPI_IOCTL_MAP_USER
 *   unmap_single      DMAAPI_IOCTL_FREE (no sync)
 *   prepare_read      DMAAPI_IOCTL_SYNC FOR_CPU    (not for TO_DEVICE)
 *   confirm_write     DMAAPI_IOCTL_SYNC FOR_DEVICE (not for FROM_DEVICE)
 *   (since 1.6)       DMAAPI_IOCTL_SYNCV for dmaapi_*_sync_ranges (syncv.c)
 *
 * Regions without DMAAPI_OUT_NEED_SYNC lose DMAAPI_REGION_NEED_SYNC, so the
 * library never calls the syncs for them: no system call.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/dmaapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

_Static_assert(DMAAPI_BIDIRECTIONAL == DMAAPI_DIR_BIDIRECTIONAL &&
		       DMAAPI_TO_DEVICE == DMAAPI_DIR_TO_DEVICE &&
		       DMAAPI_FROM_DEVICE == DMAAPI_DIR_FROM_DEVICE,
	       "library directions equal the kernel's");
_Static_assert(DMAAPI_INFO_COHERENT == DMAAPI_DEV_COHERENT &&
		       DMAAPI_INFO_IOMMU == DMAAPI_DEV_IOMMU &&
		       DMAAPI_INFO_DEFAULT == DMAAPI_DEV_DEFAULT && DMAAPI_INFO_PCI == DMAAPI_DEV_PCI,
	       "info flags equal the kernel's dev_flags");

#define DEV_NODE "/dev/dmaapi"

/* libdrm's drmIoctl: a signal never fails a call. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, cmd, arg);
	while (ret == -1 && errno == EINTR);
	return ret;
}

/*
 * A failed ALLOC/MAP_USER as a backend return: ERANGE and EDOM carry the
 * offending address back in dma_addr.  errno stays set for the library.
 */
static int kernel_error(struct dmaapi_region *r, int err, uint64_t dma_addr)
{
	int code;

	switch (err) {
	case ERANGE:
		r->dma_addr = dma_addr;
		code = DMAAPI_ERR_DMA_MASK;
		break;
	case EDOM:
		r->dma_addr = dma_addr;
		code = DMAAPI_ERR_ALIGN;
		break;
	case ENOMEM:
		code = DMAAPI_ERR_NO_MEMORY;
		break;
	default:
		code = DMAAPI_ERR_SYSTEM;
		break;
	}
	errno = err;
	return -code;
}

static void apply_out_flags(struct dmaapi_region *r, uint32_t out_flags)
{
	if (!(out_flags & DMAAPI_OUT_NEED_SYNC))
		r->flags &= ~DMAAPI_REGION_NEED_SYNC;
	if (!(r->flags & DMAAPI_REGION_MAPPED))
		r->flags |= DMAAPI_REGION_ZEROED; /* the kernel zeroes allocations */
	if (out_flags & DMAAPI_OUT_BOUNCED)
		r->flags |= DMAAPI_REGION_BOUNCED;
}

static void free_handle(int fd, uint32_t handle)
{
	struct dmaapi_free f = { .size = sizeof(f), .handle = handle };
	int err = errno;

	xioctl(fd, DMAAPI_IOCTL_FREE, &f);
	errno = err;
}

static size_t mmap_len(const struct dmaapi_device *dev, size_t size)
{
	size_t page = dev->page_size;

	return (size + page - 1) & ~(page - 1);
}

static size_t linux_page_size(void *ctx)
{
	return ((struct dmaapi_device *)ctx)->page_size;
}

static int linux_alloc(void *ctx, uint64_t dma_mask, struct dmaapi_region *r)
{
	struct dmaapi_device *dev = ctx;
	struct dmaapi_alloc a = {
		.size = sizeof(a),
		.flags = (r->flags & DMAAPI_REGION_CACHED) ? DMAAPI_ALLOC_CACHED : 0,
		.direction = (uint32_t)r->dir,
		.length = r->size,
		.align = r->align,
	};
	void *p;

	(void)dma_mask; /* the file's mask was set by DMAAPI_IOCTL_SET_MASK */
	if (xioctl(dev->fd, DMAAPI_IOCTL_ALLOC, &a) < 0)
		return kernel_error(r, errno, a.dma_addr);

	p = mmap(NULL, mmap_len(dev, r->size), PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)a.mmap_offset);
	if (p == MAP_FAILED) {
		int err = errno;

		free_handle(dev->fd, a.handle);
		errno = err;
		return err == ENOMEM ? -DMAAPI_ERR_NO_MEMORY : -DMAAPI_ERR_SYSTEM;
	}
	r->cpu_addr = p;
	r->dma_addr = a.dma_addr;
	r->cookie = a.handle;
	apply_out_flags(r, a.out_flags);
	return 0;
}

static void linux_dealloc(void *ctx, struct dmaapi_region *r)
{
	struct dmaapi_device *dev = ctx;

	munmap(r->cpu_addr, mmap_len(dev, r->size));
	free_handle(dev->fd, (uint32_t)r->cookie);
}

static int linux_map(void *ctx, uint64_t dma_mask, struct dmaapi_region *r)
{
	struct dmaapi_device *dev = ctx;
	struct dmaapi_map_user m = {
		.size = sizeof(m),
		.uaddr = (uintptr_t)r->cpu_addr,
		.length = r->size,
		.direction = (uint32_t)r->dir,
		.align = r->align,
	};

	(void)dma_mask;
	if (xioctl(dev->fd, DMAAPI_IOCTL_MAP_USER, &m) < 0)
		return kernel_error(r, errno, m.dma_addr);
	r->dma_addr = m.dma_addr;
	r->cookie = m.handle;
	apply_out_flags(r, m.out_flags);
	return 0;
}

static void linux_unmap(void *ctx, struct dmaapi_region *r)
{
	struct dmaapi_device *dev = ctx;

	free_handle(dev->fd, (uint32_t)r->cookie);
}

static int linux_sync(struct dmaapi_device *dev, const struct dmaapi_region *r,
		      uint32_t flags, size_t offset, size_t size)
{
	struct dmaapi_sync s = {
		.size = sizeof(s),
		.flags = flags,
		.handle = (uint32_t)r->cookie,
		.offset = offset,
		.length = size,
	};

	if (xioctl(dev->fd, DMAAPI_IOCTL_SYNC, &s) < 0)
		return errno == ENOMEM ? -DMAAPI_ERR_NO_MEMORY : -DMAAPI_ERR_SYSTEM;
	return 0;
}

static int linux_prepare_read(void *ctx, const struct dmaapi_region *r, size_t offset,
			      size_t size)
{
	if (r->dir == DMAAPI_TO_DEVICE)
		return 0;
	return linux_sync(ctx, r, DMAAPI_SYNC_FOR_CPU, offset, size);
}

static int linux_confirm_write(void *ctx, const struct dmaapi_region *r, size_t offset,
			       size_t size)
{
	if (r->dir == DMAAPI_FROM_DEVICE)
		return 0;
	return linux_sync(ctx, r, DMAAPI_SYNC_FOR_DEVICE, offset, size);
}

/* Since 1.6: many ranges, one call (syncv.c decides what to send). */
int dmaapi__linux_syncv(const struct dmaapi_device *dev, const struct dmaapi_sync_range *ranges,
			uint32_t n)
{
	struct dmaapi_syncv v = {
		.size = sizeof(v),
		.count = n,
		.ranges = (uintptr_t)ranges,
	};

	if (xioctl(dev->fd, DMAAPI_IOCTL_SYNCV, &v) < 0)
		return -errno;
	return 0;
}

const struct dmaapi_ops dmaapi__linux_ops = {
	.page_size = linux_page_size,
	.map_single = linux_map,
	.unmap_single = linux_unmap,
	.alloc_coherent = linux_alloc,
	.dealloc_coherent = linux_dealloc,
	.prepare_read = linux_prepare_read,
	.confirm_write = linux_confirm_write,
};

static int get_info(int fd, struct dmaapi_info *ki)
{
	memset(ki, 0, sizeof(*ki));
	ki->size = sizeof(*ki);
	return xioctl(fd, DMAAPI_IOCTL_GET_INFO, ki);
}

int dmaapi__linux_info(const struct dmaapi_device *dev, struct dmaapi_device_info *info)
{
	struct dmaapi_info ki;

	if (get_info(dev->fd, &ki) < 0)
		return dmaapi__fail_errno(errno);
	info->api_version = ki.api_version;
	info->flags = ki.dev_flags | DMAAPI_INFO_KERNEL;
	info->page_size = ki.page_size ? ki.page_size : dev->page_size;
	info->dma_mask = ki.dma_mask;
	info->device_mask = ki.device_mask;
	info->bus_limit = ki.bus_limit;
	info->max_alloc_size = ki.max_alloc_size;
	info->max_handles = ki.max_handles;
	info->handles = ki.handles;
	info->bytes = ki.bytes;
	return 0;
}

DMAAPI_EXPORT int dmaapi_device_open(const char *name, uint64_t dma_mask,
				     struct dmaapi_device **out)
{
	struct dmaapi_set_mask sm = { .size = sizeof(sm), .mask = dma_mask };
	struct dmaapi_device *dev;
	struct dmaapi_info ki;
	char path[PATH_MAX];
	const char *node;
	long page;
	int fd, err, saved = errno;

	if (out)
		*out = NULL;
	if (!out)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);

	if (!name || !*name) {
		node = DEV_NODE;
	} else if (name[0] == '/') {
		node = name;
	} else {
		int n = snprintf(path, sizeof(path), DEV_NODE "-%s", name);

		if (n < 0 || (size_t)n >= sizeof(path))
			return dmaapi__fail(DMAAPI_ERR_SYSTEM, ENAMETOOLONG);
		node = path;
	}

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return dmaapi__fail_errno(errno);

	if (get_info(fd, &ki) < 0)
		goto fail_errno;
	if (dmaapi__api_major(ki.api_version) != DMAAPI__API_MAJOR) {
		errno = EPROTO;
		goto fail_errno;
	}
	if (xioctl(fd, DMAAPI_IOCTL_SET_MASK, &sm) < 0)
		goto fail_errno;

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		errno = ENOMEM;
		goto fail_errno;
	}
	page = sysconf(_SC_PAGESIZE);
	dev->ops = &dmaapi__linux_ops;
	dev->ctx = dev;
	dev->mask = dma_mask;
	dev->page_size = ki.page_size ? ki.page_size : (page > 0 ? (size_t)page : 4096);
	dev->refs = 1;
	dev->fd = fd;
	dev->api_version = ki.api_version;
	*out = dev;
	errno = saved;
	return 0;

fail_errno:
	err = errno;
	close(fd);
	return dmaapi__fail_errno(err);
}
