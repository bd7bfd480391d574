// SPDX-License-Identifier: GPL-2.0
/* QEMU edu device access from userspace; see edu.h and QEMU's docs/specs/edu.rst. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"

static unsigned long read_hex(const char *dir, const char *name)
{
	char path[512], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 16);
}

int edu_find(char *bdf, unsigned int len)
{
	const char *env = getenv("DMAAPI_EDU");
	DIR *d;
	struct dirent *de;
	char best[256] = "";

	/* the one the suite bound (tools/vm/guest: bind_edu) */
	if (env && *env) {
		snprintf(bdf, len, "%s", env);
		return 0;
	}
	d = opendir("/sys/bus/pci/devices");
	if (!d)
		return -errno;
	/* else the lowest PCI name: readdir's order is no order */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (read_hex(de->d_name, "vendor") == EDU_VENDOR &&
		    read_hex(de->d_name, "device") == EDU_DEVICE &&
		    (!best[0] || strcmp(de->d_name, best) < 0))
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENODEV;
	snprintf(bdf, len, "%s", best);
	return 0;
}

int edu_open(struct edu *e, const char *bdf)
{
	char path[512];
	void *p;
	int fd, ret;

	memset(e, 0, sizeof(*e));
	if (bdf) {
		snprintf(e->bdf, sizeof(e->bdf), "%s", bdf);
	} else {
		ret = edu_find(e->bdf, sizeof(e->bdf));
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", e->bdf);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ret = -errno;
	close(fd);
	if (p == MAP_FAILED)
		return ret;
	e->bar = p;
	if ((edu_rd32(e->bar, EDU_REG_ID) & 0xff) != 0xed) {
		edu_close(e);
		return -ENODEV;
	}
	e->dma_mask = (1ULL << 28) - 1;
	return 0;
}

void edu_close(struct edu *e)
{
	if (e->bar)
		munmap((void *)e->bar, EDU_BAR_SIZE);
	e->bar = NULL;
}

int edu_dma(struct edu *e, uint64_t dma, uint32_t off, uint32_t len, bool to_ram)
{
	struct timespec start, now;

	if (!len || len > EDU_MAX_XFER || off > EDU_BUF_USABLE - len)
		return -EINVAL;
	edu_start(e->bar, dma, off, len, to_ram, 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (edu_rd32(e->bar, EDU_REG_DMA_CMD) & EDU_CMD_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			return -ETIMEDOUT;
		usleep(1000);
	}
	__sync_synchronize();
	return 0;
}
