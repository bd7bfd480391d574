// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapi-bench, the VFIO reference of the map section: what a userspace
 * driver pays for user memory without dmaapi, VFIO type1's
 * VFIO_IOMMU_MAP_DMA + VFIO_IOMMU_UNMAP_DMA of the same sizes, on a second
 * PCI device of the same kind bound to vfio-pci for the time of the
 * measurement (the device dmaapi benchmarks stays bound to dmaapi).  It
 * needs an IOMMU (a group for the device) and a kernel with vfio-pci and
 * the type1 IOMMU driver; elsewhere the column says why there is no figure.
 */
#include "dmaapi-bench.h"

#include <libgen.h>
#include <linux/vfio.h>

#define VFIO_IOVA (1ULL << 30)	/* where the buffer goes: any free IOVA */

static unsigned long read_hex(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[32] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoul(buf, NULL, 16) : 0;
}

static bool is_pci_device(const char *name)
{
	char path[PATH_MAX];

	if (!name || !*name || name[0] == '/')
		return false;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", name);
	return access(path, F_OK) == 0;
}

/* Another PCI device with the vendor and device id of @bdf, unbound or not ours. */
static bool find_twin(const char *bdf, char *out, size_t len)
{
	char dir[PATH_MAX];
	unsigned long vendor, device;
	struct dirent *e;
	DIR *d;
	bool found = false;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", bdf);
	vendor = read_hex(dir, "vendor");
	device = read_hex(dir, "device");
	d = opendir("/sys/bus/pci/devices");
	if (!d || !vendor)
		goto out;
	while (!found && (e = readdir(d))) {
		char drv[PATH_MAX], link[PATH_MAX];
		ssize_t n;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, bdf))
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		if (read_hex(dir, "vendor") != vendor || read_hex(dir, "device") != device)
			continue;
		/* not one bound to dmaapi: another file may be using it */
		if (snprintf(drv, sizeof(drv), "%s/driver", dir) >= (int)sizeof(drv))
			continue;
		n = readlink(drv, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			if (!strcmp(basename(link), "dmaapi"))
				continue;
		}
		if (snprintf(out, len, "%s", e->d_name) >= (int)len)
			continue;
		found = true;
	}
out:
	if (d)
		closedir(d);
	return found;
}

struct vfio_arg {
	int container;
	void *buf;
	size_t size;
};

static int vfio_map_unmap(void *p, uint64_t n, double *t)
{
	struct vfio_arg *x = p;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)x->buf,
		.iova = VFIO_IOVA,
		.size = x->size,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = VFIO_IOVA,
		.size = x->size,
	};

	(void)t;
	for (uint64_t i = 0; i < n; i++) {
		if (ioctl(x->container, VFIO_IOMMU_MAP_DMA, &map))
			return -errno;
		if (ioctl(x->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return -errno;
	}
	return 0;
}

/* The container and group of @bdf bound to vfio-pci, type1 set; or why not. */
static int vfio_open(const char *bdf, int *container, int *group, char *why, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct vfio_group_status st = { .argsz = sizeof(st) };
	ssize_t n;
	int ret;

	*container = *group = -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		snprintf(why, len, "no IOMMU group for %s (VFIO type1 needs an IOMMU)", bdf);
		return -ENODEV;
	}
	link[n] = 0;
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK)) {
		snprintf(why, len, "no vfio-pci in this kernel");
		return -ENODEV;
	}
	ret = dev_rebind("pci", bdf, "vfio-pci");
	if (ret) {
		snprintf(why, len, "binding %s to vfio-pci: %s", bdf, strerror(-ret));
		return ret;
	}
	*container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (*container < 0) {
		snprintf(why, len, "/dev/vfio/vfio: %s", strerror(errno));
		return -errno;
	}
	if (ioctl(*container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(*container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		snprintf(why, len, "no VFIO type1v2 IOMMU in this kernel");
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	*group = open(path, O_RDWR | O_CLOEXEC);
	if (*group < 0) {
		int err = errno;

		if (snprintf(why, len, "%s: %s", path, strerror(err)) >= (int)len)
			why[len - 1] = 0;
		return -err;
	}
	if (ioctl(*group, VFIO_GROUP_GET_STATUS, &st) || !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(why, len, "IOMMU group %s not viable (another device in it)",
			 basename(link));
		return -EBUSY;
	}
	if (ioctl(*group, VFIO_GROUP_SET_CONTAINER, container) ||
	    ioctl(*container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		snprintf(why, len, "VFIO container setup: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* The VFIO column of every map + unmap row. */
void bench_map_vfio(void)
{
	char twin[64], why[128] = "";
	int container = -1, group = -1, ret = -ENODEV;
	bool bound = false;
	size_t n, i;
	struct row *rows = bench_rows(&n);

	if (!is_pci_device(opt.device))
		snprintf(why, sizeof(why), "needs a PCI device (--device)");
	else if (!find_twin(opt.device, twin, sizeof(twin)))
		snprintf(why, sizeof(why), "no second device like %s for vfio-pci", opt.device);
	else {
		ret = vfio_open(twin, &container, &group, why, sizeof(why));
		bound = true;
	}
	for (i = 0; i < n; i++) {
		struct row *r = &rows[i];
		struct vfio_arg x = { .container = container, .size = r->size };

		/* VFIO pins every time: the same figure beside both rows */
		if (r->section != S_MAP || strncmp(r->name, "map + unmap", 11))
			continue;
		if (ret) {
			set_na(&r->ref[1], "%s", why);
			continue;
		}
		x.buf = alloc_user(x.size, true);
		measure_or_na(vfio_map_unmap, &x, &r->ref[1], "VFIO_IOMMU_MAP_DMA");
		free(x.buf);
	}
	if (group >= 0)
		close(group);
	if (container >= 0)
		close(container);
	if (bound) {
		ret = dev_rebind("pci", twin, "");
		if (ret)
			fprintf(stderr, "dmaapi-bench: unbinding %s from vfio-pci: %s\n", twin,
				strerror(-ret));
	}
}
