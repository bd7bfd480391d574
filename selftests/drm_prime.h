/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few DRM ioctls a test needs to share buffers with a DRM driver by
 * PRIME (vgem): their UAPI layouts (include/uapi/drm/drm.h, drm_mode.h),
 * declared here because the build machine has no DRM headers installed.
 */
#ifndef DMAAPI_DRM_PRIME_H
#define DMAAPI_DRM_PRIME_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <stddef.h>

struct tdrm_version {
	int version_major;
	int version_minor;
	int version_patchlevel;
	size_t name_len;
	char *name;
	size_t date_len;
	char *date;
	size_t desc_len;
	char *desc;
};

struct tdrm_gem_close {
	__u32 handle;
	__u32 pad;
};

struct tdrm_prime_handle {
	__u32 handle;
	__u32 flags;	/* DRM_CLOEXEC | DRM_RDWR for handle -> fd */
	__s32 fd;
};

struct tdrm_mode_create_dumb {
	__u32 height;
	__u32 width;
	__u32 bpp;
	__u32 flags;
	__u32 handle;
	__u32 pitch;
	__u64 size;
};

struct tdrm_mode_map_dumb {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

#define TDRM_IOCTL_BASE 'd'
#define TDRM_IOCTL_VERSION _IOWR(TDRM_IOCTL_BASE, 0x00, struct tdrm_version)
#define TDRM_IOCTL_GEM_CLOSE _IOW(TDRM_IOCTL_BASE, 0x09, struct tdrm_gem_close)
#define TDRM_IOCTL_PRIME_HANDLE_TO_FD _IOWR(TDRM_IOCTL_BASE, 0x2d, struct tdrm_prime_handle)
#define TDRM_IOCTL_PRIME_FD_TO_HANDLE _IOWR(TDRM_IOCTL_BASE, 0x2e, struct tdrm_prime_handle)
#define TDRM_IOCTL_MODE_CREATE_DUMB _IOWR(TDRM_IOCTL_BASE, 0xB2, struct tdrm_mode_create_dumb)
#define TDRM_IOCTL_MODE_MAP_DUMB _IOWR(TDRM_IOCTL_BASE, 0xB3, struct tdrm_mode_map_dumb)

#endif
