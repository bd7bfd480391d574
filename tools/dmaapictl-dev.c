// SPDX-License-Identifier: GPL-2.0
/* dmaapictl: devices on the PCI and platform buses, and the dmaapi nodes. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dmaapictl-cli.h"

/* ------------------------------------------------------------------------ */
/* Devices                                                                  */


/**
 * dev_find() - look @arg up on the PCI, then the platform bus.
 * @arg: a device name; PCI names may omit the domain ("00:03.0")
 * @d: filled in
 *
 * Return: true if found.
 */
bool dev_find(const char *arg, struct dev_ref *d)
{
	static const char *const buses[] = { "pci", "platform" };
	char name[128];

	if (strchr(arg, '/') || !*arg || strlen(arg) >= sizeof(d->name) - 5)
		return false;
	for (size_t i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s", arg);
		if (i == 0 && strlen(arg) == 7 && arg[2] == ':' && arg[5] == '.')
			snprintf(name, sizeof(name), "0000:%s", arg);
		if (path_exists("/sys/bus/%s/devices/%s", buses[i], name)) {
			snprintf(d->name, sizeof(d->name), "%s", name);
			d->bus = buses[i];
			snprintf(d->sys, sizeof(d->sys), "/sys/bus/%s/devices/%s", d->bus, name);
			return true;
		}
	}
	return false;
}


/* The module may expose counters on the misc device; names it could use. */
long long misc_counter(const char *node, const char *const *names)
{
	char buf[64], *end;
	long long v;

	for (; *names; names++) {
		if (read_attr(buf, sizeof(buf), "/sys/class/misc/%s/%s", node, *names))
			continue;
		errno = 0;
		v = strtoll(buf, &end, 0);
		if (!errno && end != buf)
			return v;
	}
	return -1;
}

/**
 * node_query() - fill @ni for the node @path: GET_INFO and sysfs counters.
 *
 * Never fails; @ni->ok and @ni->err say whether the ioctl worked.
 */
void node_query(const char *path, struct node_info *ni)
{
	static const char *const files[] = { "open_files", "files", "users", NULL };
	static const char *const handles[] = { "handles", "live_handles", NULL };
	static const char *const bytes[] = { "bytes", "bytes_in_use", NULL };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct dev_ref d;
	int fd;

	memset(ni, 0, sizeof(*ni));
	snprintf(ni->path, sizeof(ni->path), "%s", path);
	ni->bus = "";
	if (!strncmp(base, MODNAME "-", strlen(MODNAME) + 1)) {
		snprintf(ni->dev, sizeof(ni->dev), "%s", base + strlen(MODNAME) + 1);
		if (dev_find(ni->dev, &d))
			ni->bus = d.bus;
	} else {
		ni->bus = "platform";
	}
	ni->open_files = misc_counter(base, files);
	ni->handles = misc_counter(base, handles);
	ni->bytes = misc_counter(base, bytes);

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ni->err = errno;
		return;
	}
	ni->info.size = sizeof(ni->info);
	while ((ni->ok = !ioctl(fd, DMAAPI_IOCTL_GET_INFO, &ni->info)) == false && errno == EINTR)
		;
	if (!ni->ok)
		ni->err = errno;
	else if (ni->info.dev_flags & DMAAPI_DEV_PCI)
		ni->bus = "pci";
	close(fd);
}

/* Number of set low bits of a mask 2^n - 1, or -1 if it is not one. */
int mask_bits(uint64_t mask)
{
	int n = 0;

	while (n < 64 && (mask >> n) & 1)
		n++;
	return (n == 64 || !(mask >> n)) ? n : -1;
}

const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

/* The nodes: /dev/dmaapi first, then /dev/dmaapi-* sorted. */
void node_list(struct strlist *l)
{
	struct strlist all = { 0 };
	struct stat st;
	char path[PATH_MAX];

	dir_list(&all, "/dev", MODNAME, false);
	for (size_t i = 0; i < all.n; i++) {
		if (strcmp(all.v[i], MODNAME) && strncmp(all.v[i], MODNAME "-", strlen(MODNAME) + 1))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", all.v[i]);
		if (!stat(path, &st) && S_ISCHR(st.st_mode))
			strlist_add(l, path);
	}
	strlist_free(&all);
}

void node_json(const struct node_info *ni)
{
	json_open(NULL, '{');
	json_kv_str("node", ni->path);
	json_kv_str("device", ni->dev[0] ? ni->dev : NULL);
	json_kv_str("bus", ni->bus[0] ? ni->bus : NULL);
	json_kv_bool("default", !ni->dev[0]);
	if (ni->ok) {
		json_kv_u64("api_version", ni->info.api_version);
		json_kv_hex("dma_mask", ni->info.dma_mask);
		json_kv_u64("dma_mask_bits", mask_bits(ni->info.dma_mask));
		json_kv_hex("device_mask", ni->info.device_mask);
		json_kv_hex("bus_limit", ni->info.bus_limit);
		json_kv_bool("coherent", ni->info.dev_flags & DMAAPI_DEV_COHERENT);
		json_kv_bool("iommu", ni->info.dev_flags & DMAAPI_DEV_IOMMU);
		json_kv_u64("page_size", ni->info.page_size);
		json_kv_u64("max_handles", ni->info.max_handles);
		json_kv_u64("max_alloc_size", ni->info.max_alloc_size);
	} else {
		json_kv_str("error", strerror(ni->err));
	}
	if (ni->open_files >= 0)
		json_kv_u64("open_files", ni->open_files);
	if (ni->handles >= 0)
		json_kv_u64("handles", ni->handles);
	if (ni->bytes >= 0)
		json_kv_u64("bytes", ni->bytes);
	json_close('}');
}

int open_error(const struct node_info *ni)
{
	if (ni->err == EACCES || ni->err == EPERM)
		return dctl_err(EXIT_NOPERM,
			   "%s: permission denied (root only, unless the opt-in udev rule 60-dmaapi.rules grants group dmaapi)",
			   ni->path);
	if (ni->err == ENODEV || ni->err == ENOENT || ni->err == ENXIO)
		return dctl_err(EXIT_NODEV, "%s: %s", ni->path, strerror(ni->err));
	return dctl_err(EXIT_FAIL, "%s: %s", ni->path, strerror(ni->err));
}
