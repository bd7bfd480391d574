// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl status, list and info: the module, its nodes, one device.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/dmaapi.h>

#include "dmaapictl.h"
#include "dmaapictl-cli.h"
/* Devices bound to the dmaapi drivers, as "bus name" pairs. */
static void bound_devices(struct strlist *pci, struct strlist *plat)
{
	dir_list(pci, SYS_PCI "/drivers/" MODNAME, "", true);
	dir_list(plat, SYS_PLATFORM "/drivers/" MODNAME, "", true);
	for (size_t i = 0; i < pci->n; i++)
		if (!strchr(pci->v[i], ':'))	/* "module", "bind", ... */
			pci->v[i][0] = '\0';
	/* "module" is a link, and "dmaapi" is the module's own default device. */
	for (size_t i = 0; i < plat->n; i++)
		if (!strcmp(plat->v[i], "module") || !strcmp(plat->v[i], MODNAME))
			plat->v[i][0] = '\0';
}

static void print_counter(const char *what, bool have, long long val)
{
	if (have)
		printf("  %-12s %lld\n", what, val);
	else
		printf("  %-12s not exposed by the module\n", what);
}

int cmd_status(int argc, char **argv)
{
	static const int allowed[] = { OPT_JSON, 0 };
	struct strlist params = { 0 }, holders = { 0 }, nodes = { 0 }, pci = { 0 }, plat = { 0 };
	char version[64], refcnt[32], val[256], srcver[64];
	long long files = 0, handles = 0, bytes = 0;
	bool have_files = false, have_handles = false, have_bytes = false;
	bool unused = false, loaded;

	if (parse_opts(argc, argv, allowed, &unused, NULL) != argc)
		return cmd_usage("status", EXIT_USAGE);
	loaded = module_loaded();
	if (loaded) {
		read_attr(version, sizeof(version), SYS_MODULE "/version");
		read_attr(srcver, sizeof(srcver), SYS_MODULE "/srcversion");
		read_attr(refcnt, sizeof(refcnt), SYS_MODULE "/refcnt");
		dir_list(&params, SYS_MODULE "/parameters", "", false);
		dir_list(&holders, SYS_MODULE "/holders", "", false);
		node_list(&nodes);
		bound_devices(&pci, &plat);
		for (size_t i = 0; i < nodes.n; i++) {
			struct node_info ni;

			node_query(nodes.v[i], &ni);
			if (ni.open_files >= 0) {
				files += ni.open_files;
				have_files = true;
			}
			if (ni.handles >= 0) {
				handles += ni.handles;
				have_handles = true;
			}
			if (ni.bytes >= 0) {
				bytes += ni.bytes;
				have_bytes = true;
			}
		}
	}

	if (js.on) {
		json_open(NULL, '{');
		json_kv_str("module", MODNAME);
		json_kv_bool("loaded", loaded);
		if (loaded) {
			json_kv_bool("builtin", module_builtin());
			json_kv_str("version", version[0] ? version : NULL);
			json_kv_str("srcversion", srcver[0] ? srcver : NULL);
			if (refcnt[0])
				json_kv_auto("refcnt", refcnt);
			json_open("holders", '[');
			for (size_t i = 0; i < holders.n; i++)
				json_kv_str(NULL, holders.v[i]);
			json_close(']');
			json_open("parameters", '{');
			for (size_t i = 0; i < params.n; i++) {
				read_attr(val, sizeof(val), SYS_MODULE "/parameters/%s", params.v[i]);
				json_kv_auto(params.v[i], val);
			}
			json_close('}');
			json_open("nodes", '[');
			for (size_t i = 0; i < nodes.n; i++)
				json_kv_str(NULL, nodes.v[i]);
			json_close(']');
			json_open("bound", '[');
			for (size_t i = 0; i < pci.n; i++)
				if (pci.v[i][0])
					json_kv_str(NULL, pci.v[i]);
			for (size_t i = 0; i < plat.n; i++)
				if (plat.v[i][0])
					json_kv_str(NULL, plat.v[i]);
			json_close(']');
			if (have_files)
				json_kv_u64("open_files", files);
			if (have_handles)
				json_kv_u64("handles", handles);
			if (have_bytes)
				json_kv_u64("bytes", bytes);
		}
		json_close('}');
	} else if (!loaded) {
		printf("%s: not loaded\n", MODNAME);
	} else {
		printf("%s: loaded%s\n", MODNAME, module_builtin() ? " (builtin)" : "");
		if (version[0])
			printf("  version:     %s\n", version);
		if (refcnt[0])
			printf("  refcount:    %s%s\n", refcnt,
			       strcmp(refcnt, "0") ? " (files open or holders)" : "");
		for (size_t i = 0; i < holders.n; i++)
			printf("  holder:      %s\n", holders.v[i]);
		printf("  parameters:\n");
		for (size_t i = 0; i < params.n; i++) {
			read_attr(val, sizeof(val), SYS_MODULE "/parameters/%s", params.v[i]);
			printf("    %-18s %s\n", params.v[i], val);
		}
		printf("  nodes:      ");
		for (size_t i = 0; i < nodes.n; i++)
			printf(" %s", nodes.v[i]);
		printf("%s\n", nodes.n ? "" : " none");
		printf("  bound:      ");
		for (size_t i = 0; i < pci.n; i++)
			if (pci.v[i][0])
				printf(" %s (pci)", pci.v[i]);
		for (size_t i = 0; i < plat.n; i++)
			if (plat.v[i][0])
				printf(" %s (platform)", plat.v[i]);
		printf("\n");
		print_counter("open files:", have_files, files);
		print_counter("handles:", have_handles, handles);
		print_counter("bytes:", have_bytes, bytes);
	}
	strlist_free(&params);
	strlist_free(&holders);
	strlist_free(&nodes);
	strlist_free(&pci);
	strlist_free(&plat);
	return loaded ? EXIT_OK : EXIT_NOMODULE;
}

int cmd_list(int argc, char **argv)
{
	static const int allowed[] = { OPT_JSON, 0 };
	struct strlist nodes = { 0 };
	bool unused = false;
	int ret = EXIT_OK;

	if (parse_opts(argc, argv, allowed, &unused, NULL) != argc)
		return cmd_usage("list", EXIT_USAGE);
	ret = need_module();
	if (ret)
		return ret;
	node_list(&nodes);
	if (js.on)
		json_open(NULL, '[');
	else
		printf("%-32s %-9s %-20s %-5s %-8s %-5s %s\n", "NODE", "BUS", "DMA MASK", "BITS",
		       "COHERENT", "IOMMU", "HANDLES");
	for (size_t i = 0; i < nodes.n; i++) {
		struct node_info ni;
		char h[32];

		node_query(nodes.v[i], &ni);
		if (!ni.ok && ret == EXIT_OK)
			ret = open_error(&ni);
		if (js.on) {
			node_json(&ni);
			continue;
		}
		if (ni.handles >= 0)
			snprintf(h, sizeof(h), "%lld", ni.handles);
		else
			snprintf(h, sizeof(h), "-");
		if (ni.ok)
			printf("%-32s %-9s 0x%-18llx %-5d %-8s %-5s %s\n", ni.path,
			       ni.bus[0] ? ni.bus : "-", (unsigned long long)ni.info.dma_mask,
			       mask_bits(ni.info.dma_mask),
			       yesno(ni.info.dev_flags & DMAAPI_DEV_COHERENT),
			       yesno(ni.info.dev_flags & DMAAPI_DEV_IOMMU), h);
		else
			printf("%-32s %-9s (%s)\n", ni.path, ni.bus[0] ? ni.bus : "-",
			       strerror(ni.err));
	}
	if (js.on)
		json_close(']');
	strlist_free(&nodes);
	return ret;
}


int cmd_info(int argc, char **argv)
{
	static const int allowed[] = { OPT_JSON, 0 };
	char drv[128], ovr[128], grp[64], vendor[16], device[16], class[16], node[PATH_MAX];
	const char *arg;
	bool unused = false, bound, has_node;
	struct node_info ni;
	struct dev_ref d = { .bus = "platform" };
	int i, ret = EXIT_OK;

	i = parse_opts(argc, argv, allowed, &unused, NULL);
	if (i != argc - 1)
		return cmd_usage("info", EXIT_USAGE);
	arg = argv[i];

	drv[0] = ovr[0] = grp[0] = vendor[0] = device[0] = class[0] = '\0';
	if (!strcmp(arg, "default") || !strcmp(arg, MODNAME) || !strcmp(arg, "/dev/" MODNAME)) {
		snprintf(node, sizeof(node), "/dev/%s", MODNAME);
		snprintf(d.name, sizeof(d.name), "(default)");
		d.sys[0] = '\0';
		snprintf(drv, sizeof(drv), "%s", MODNAME);
	} else {
		if (!strncmp(arg, "/dev/" MODNAME "-", strlen("/dev/" MODNAME "-")))
			arg += strlen("/dev/" MODNAME "-");
		if (!dev_find(arg, &d))
			return dctl_err(EXIT_NODEV, "%s: no such PCI or platform device", arg);
		snprintf(node, sizeof(node), "/dev/%s-%s", MODNAME, d.name);
		link_name(drv, sizeof(drv), "%s/driver", d.sys);
		read_attr(ovr, sizeof(ovr), "%s/driver_override", d.sys);
		link_name(grp, sizeof(grp), "%s/iommu_group", d.sys);
		if (!strcmp(d.bus, "pci")) {
			read_attr(vendor, sizeof(vendor), "%s/vendor", d.sys);
			read_attr(device, sizeof(device), "%s/device", d.sys);
			read_attr(class, sizeof(class), "%s/class", d.sys);
		}
	}
	bound = !strcmp(drv, MODNAME);
	has_node = bound && path_exists("%s", node);
	if (has_node) {
		node_query(node, &ni);
		if (!ni.ok)
			ret = open_error(&ni);
	} else if (!d.sys[0]) {
		return need_module() ? EXIT_NOMODULE : dctl_err(EXIT_NODEV, "%s: no such node", node);
	}

	if (js.on) {
		json_open(NULL, '{');
		json_kv_str("device", d.sys[0] ? d.name : NULL);
		json_kv_str("bus", d.bus);
		json_kv_str("driver", drv[0] ? drv : NULL);
		json_kv_str("driver_override", ovr[0] && strcmp(ovr, "(null)") ? ovr : NULL);
		json_kv_bool("bound", bound);
		if (vendor[0]) {
			json_kv_str("vendor", vendor);
			json_kv_str("device_id", device);
			json_kv_str("class", class);
		}
		json_kv_str("iommu_group", grp[0] ? grp : NULL);
		json_kv_str("node", has_node ? node : NULL);
		if (has_node && ni.ok) {
			json_kv_u64("api_version", ni.info.api_version);
			json_kv_hex("dma_mask", ni.info.dma_mask);
			json_kv_u64("dma_mask_bits", mask_bits(ni.info.dma_mask));
			json_kv_hex("device_mask", ni.info.device_mask);
			json_kv_hex("bus_limit", ni.info.bus_limit);
			json_kv_bool("coherent", ni.info.dev_flags & DMAAPI_DEV_COHERENT);
			json_kv_bool("iommu", ni.info.dev_flags & DMAAPI_DEV_IOMMU);
			json_kv_bool("default", ni.info.dev_flags & DMAAPI_DEV_DEFAULT);
			json_kv_u64("page_size", ni.info.page_size);
			json_kv_u64("max_handles", ni.info.max_handles);
			json_kv_u64("max_alloc_size", ni.info.max_alloc_size);
		}
		if (has_node && ni.open_files >= 0)
			json_kv_u64("open_files", ni.open_files);
		if (has_node && ni.handles >= 0)
			json_kv_u64("handles", ni.handles);
		if (has_node && ni.bytes >= 0)
			json_kv_u64("bytes", ni.bytes);
		json_close('}');
		return ret;
	}

	printf("device:          %s\n", d.name);
	printf("bus:             %s\n", d.bus);
	if (vendor[0])
		printf("vendor:device:   %s:%s (class %s)\n", vendor, device, class);
	printf("driver:          %s\n", drv[0] ? drv : "(none)");
	if (ovr[0] && strcmp(ovr, "(null)"))
		printf("driver_override: %s\n", ovr);
	if (d.sys[0])
		printf("iommu group:     %s\n", grp[0] ? grp : "(none)");
	if (!has_node) {
		printf("node:            (none: not bound to %s)\n", MODNAME);
		return ret;
	}
	printf("node:            %s\n", node);
	if (ni.ok) {
		/* (major << 16) | minor; 1.0 modules report a plain 1 */
		printf("api version:     %u.%u\n",
		       ni.info.api_version >> 16 ? ni.info.api_version >> 16 : ni.info.api_version,
		       ni.info.api_version >> 16 ? ni.info.api_version & 0xffff : 0);
		printf("dma mask:        0x%llx (%d bits)\n", (unsigned long long)ni.info.dma_mask,
		       mask_bits(ni.info.dma_mask));
		printf("device mask:     0x%llx\n", (unsigned long long)ni.info.device_mask);
		if (ni.info.bus_limit)
			printf("bus limit:       0x%llx\n", (unsigned long long)ni.info.bus_limit);
		printf("coherent:        %s\n", yesno(ni.info.dev_flags & DMAAPI_DEV_COHERENT));
		printf("iommu:           %s\n", yesno(ni.info.dev_flags & DMAAPI_DEV_IOMMU));
		printf("page size:       %u\n", ni.info.page_size);
		printf("max handles:     %u per file\n", ni.info.max_handles);
		printf("max alloc size:  %llu bytes\n", (unsigned long long)ni.info.max_alloc_size);
	}
	if (ni.open_files >= 0)
		printf("open files:      %lld\n", ni.open_files);
	if (ni.handles >= 0)
		printf("handles:         %lld\n", ni.handles);
	if (ni.bytes >= 0)
		printf("bytes:           %lld\n", ni.bytes);
	return ret;
}

