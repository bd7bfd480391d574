// SPDX-License-Identifier: LGPL-2.1-or-later
/* Errors, version, address arithmetic. */
#include "internal.h"

#include <errno.h>
#include <limits.h>

#ifndef DMAAPI_VERSION_STRING
#error "DMAAPI_VERSION_STRING must be defined by the build (from VERSION)"
#endif

static _Thread_local struct dmaapi_error last_error;

static int set_error(int code, int sys_errno, uint64_t addr, uint64_t mask,
		     uint64_t required)
{
	last_error.size = 0;
	last_error.code = code;
	last_error.sys_errno = sys_errno;
	last_error.addr = addr;
	last_error.mask = mask;
	last_error.required = required;
	return -code;
}

int dmaapi__fail(int code, int sys_errno)
{
	return set_error(code, sys_errno, 0, 0, 0);
}

int dmaapi__fail_mask(uint64_t addr, uint64_t mask, int sys_errno)
{
	return set_error(DMAAPI_ERR_DMA_MASK, sys_errno, addr, mask, 0);
}

int dmaapi__fail_align(uint64_t address, uint64_t required, int sys_errno)
{
	return set_error(DMAAPI_ERR_ALIGN, sys_errno, address, 0, required);
}

int dmaapi__fail_segment(uint64_t size, uint64_t max)
{
	set_error(DMAAPI_ERR_SEGMENT, 0, 0, 0, max);
	last_error.size = size;
	return -DMAAPI_ERR_SEGMENT;
}

int dmaapi__fail_boundary(uint64_t addr, uint64_t size, uint64_t boundary)
{
	set_error(DMAAPI_ERR_BOUNDARY, 0, addr, 0, boundary);
	last_error.size = size;
	return -DMAAPI_ERR_BOUNDARY;
}

int dmaapi__fail_errno(int err)
{
	if (!err)
		err = EIO;
	return dmaapi__fail(err == ENOMEM ? DMAAPI_ERR_NO_MEMORY : DMAAPI_ERR_SYSTEM, err);
}

DMAAPI_EXPORT const struct dmaapi_error *dmaapi_last_error(void)
{
	return &last_error;
}

DMAAPI_EXPORT const char *dmaapi_strerror(int code)
{
	if (code < 0 && code != INT_MIN)
		code = -code;

	switch (code) {
	case 0:
		return "success";
	case DMAAPI_ERR_NO_MEMORY:
		return "out of DMA memory";
	case DMAAPI_ERR_LAYOUT:
		return "invalid layout: alignment not a power of two or size overflow";
	case DMAAPI_ERR_DMA_MASK:
		return "DMA address does not fit the device's DMA mask";
	case DMAAPI_ERR_ALIGN:
		return "address not aligned as required";
	case DMAAPI_ERR_NULL_POINTER:
		return "null pointer";
	case DMAAPI_ERR_ZERO_SIZED:
		return "zero-sized buffer";
	case DMAAPI_ERR_INDEX:
		return "index out of range";
	case DMAAPI_ERR_SYSTEM:
		return "system error (see sys_errno)";
	case DMAAPI_ERR_SEGMENT:
		return "larger than the device's maximum segment size";
	case DMAAPI_ERR_BOUNDARY:
		return "DMA range crosses the device's segment boundary";
	default:
		return "unknown dmaapi error";
	}
}

DMAAPI_EXPORT bool dmaapi_addr_checked_add(dmaapi_addr_t a, uint64_t rhs, dmaapi_addr_t *out)
{
	dmaapi_addr_t sum;

	if (__builtin_add_overflow(a, rhs, &sum))
		return false;
	if (out)
		*out = sum;
	return true;
}

DMAAPI_EXPORT const char *dmaapi_version(void)
{
	return DMAAPI_VERSION_STRING;
}
