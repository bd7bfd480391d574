// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Registers of a kernel device (since 1.5): DMAAPI_IOCTL_REGION_INFO and the
 * node's region mmap offsets (include/uapi/linux/dmaapi.h).  Not to be
 * confused with region.c, the DMA memory regions of the containers.
 */
#include "internal.h"
#include <errno.h>
#include <linux/dmaapi.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static int regs_query(struct dmaapi_device *dev, unsigned int index,
		      struct dmaapi_region_info *ri)
{
	int ret;

	if (dev->fd < 0)
		return dmaapi__fail(DMAAPI_ERR_SYSTEM, EOPNOTSUPP);
	if (index >= DMAAPI_REGION_MAX_INDEX)
		return dmaapi__fail(DMAAPI_ERR_INDEX, EINVAL);
	*ri = (struct dmaapi_region_info){ .size = sizeof(*ri), .index = index };
	do
		ret = ioctl(dev->fd, DMAAPI_IOCTL_REGION_INFO, ri);
	while (ret == -1 && errno == EINTR);
	return ret ? dmaapi__fail_errno(errno) : 0;
}

DMAAPI_EXPORT int dmaapi_regs_info(struct dmaapi_device *dev, unsigned int index,
				   struct dmaapi_regs_info *info)
{
	struct dmaapi_region_info ri;
	int ret;

	if (!dev || !info)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = regs_query(dev, index, &ri);
	if (ret)
		return ret;
	/* the library's flags are the kernel's */
	info->count = ri.count;
	info->flags = ri.region_flags;
	info->length = ri.length;
	return 0;
}

DMAAPI_EXPORT int dmaapi_regs_map(struct dmaapi_device *dev, unsigned int index,
				  volatile void **addr, size_t *length)
{
	struct dmaapi_region_info ri;
	void *p;
	int ret;

	if (!dev || !addr || !length)
		return dmaapi__fail(DMAAPI_ERR_NULL_POINTER, 0);
	ret = regs_query(dev, index, &ri);
	if (ret)
		return ret;
	if (!(ri.region_flags & DMAAPI_REGION_MMAP) || (uint64_t)(size_t)ri.length != ri.length)
		return dmaapi__fail(DMAAPI_ERR_INDEX, ENXIO);
	p = mmap(NULL, ri.length, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)ri.mmap_offset);
	if (p == MAP_FAILED)
		return dmaapi__fail_errno(errno);
	*addr = p;
	*length = ri.length;
	return 0;
}

DMAAPI_EXPORT int dmaapi_regs_unmap(volatile void *addr, size_t length)
{
	if (munmap((void *)addr, length))
		return dmaapi__fail_errno(errno);
	return 0;
}
