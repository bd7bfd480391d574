// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl bind and unbind: driver_override and the bus's bind files.
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

/* Writes @name to driver_override (and "\n" to clear it). */
static int set_override(const struct dev_ref *d, const char *name)
{
	return write_attr(name, "%s/driver_override", d->sys);
}

static int wait_node(const char *path)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 200; i++) {
		if (path_exists("%s", path))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

int cmd_bind(int argc, char **argv)
{
	static const int allowed[] = { OPT_FORCE, 0 };
	char drv[128], node[PATH_MAX];
	bool force = false;
	struct dev_ref d;
	int i, ret;

	i = parse_opts(argc, argv, allowed, &force, NULL);
	if (i != argc - 1)
		return cmd_usage("bind", EXIT_USAGE);
	ret = need_root("bind");
	if (ret)
		return ret;
	if (!dev_find(argv[i], &d))
		return dctl_err(EXIT_NODEV, "%s: no such PCI or platform device", argv[i]);
	ret = need_module();
	if (ret)
		return ret;
	if (!path_exists("/sys/bus/%s/drivers/%s", d.bus, MODNAME))
		return dctl_err(EXIT_NOMODULE, "the %s module has no %s driver", MODNAME, d.bus);
	snprintf(node, sizeof(node), "/dev/%s-%s", MODNAME, d.name);

	if (link_name(drv, sizeof(drv), "%s/driver", d.sys)) {
		if (!strcmp(drv, MODNAME)) {
			printf("%s is already bound to %s: %s\n", d.name, MODNAME, node);
			return EXIT_OK;
		}
		if (!force)
			return dctl_err(EXIT_BUSY,
				   "%s is bound to driver '%s'; use --force to unbind it from '%s' and bind it to %s",
				   d.name, drv, drv, MODNAME);
		ret = write_attr(d.name, "%s/driver/unbind", d.sys);
		if (ret)
			return dctl_err(EXIT_FAIL, "%s: unbinding from '%s': %s", d.name, drv,
				   strerror(-ret));
		printf("%s: unbound from %s\n", d.name, drv);
	}
	ret = set_override(&d, MODNAME);
	if (ret)
		return dctl_err(EXIT_FAIL, "%s: writing driver_override: %s", d.name, strerror(-ret));
	ret = write_attr(d.name, "/sys/bus/%s/drivers_probe", d.bus);
	if (!link_name(drv, sizeof(drv), "%s/driver", d.sys) || strcmp(drv, MODNAME)) {
		set_override(&d, "\n");
		return dctl_err(EXIT_FAIL, "%s: the %s driver did not bind it%s%s (see dmesg)", d.name,
			   MODNAME, ret ? ": " : "", ret ? strerror(-ret) : "");
	}
	if (wait_node(node))
		return dctl_err(EXIT_FAIL, "%s: bound, but %s did not appear", d.name, node);
	printf("%s bound to %s: %s\n", d.name, MODNAME, node);
	return EXIT_OK;
}

int cmd_unbind(int argc, char **argv)
{
	static const int allowed[] = { OPT_REPROBE, 0 };
	char drv[128], ovr[128];
	bool reprobe = false;
	struct dev_ref d;
	int i, ret;

	i = parse_opts(argc, argv, allowed, &reprobe, NULL);
	if (i != argc - 1)
		return cmd_usage("unbind", EXIT_USAGE);
	ret = need_root("unbind");
	if (ret)
		return ret;
	if (!dev_find(argv[i], &d))
		return dctl_err(EXIT_NODEV, "%s: no such PCI or platform device", argv[i]);
	if (!strcmp(d.bus, "platform") && !strcmp(d.name, MODNAME))
		return dctl_err(EXIT_BUSY, "%s is the module's own default device: unload the module instead",
			   d.name);
	read_attr(ovr, sizeof(ovr), "%s/driver_override", d.sys);
	if (!link_name(drv, sizeof(drv), "%s/driver", d.sys)) {
		if (!strcmp(ovr, MODNAME))
			set_override(&d, "\n");
		printf("%s is not bound to any driver\n", d.name);
		return EXIT_OK;
	}
	if (strcmp(drv, MODNAME))
		return dctl_err(EXIT_BUSY, "%s is bound to driver '%s', not to %s", d.name, drv, MODNAME);
	ret = write_attr(d.name, "/sys/bus/%s/drivers/%s/unbind", d.bus, MODNAME);
	if (ret)
		return dctl_err(EXIT_FAIL, "%s: unbinding: %s", d.name, strerror(-ret));
	ret = set_override(&d, "\n");
	if (ret)
		dctl_err(EXIT_FAIL, "%s: clearing driver_override: %s", d.name, strerror(-ret));
	printf("%s unbound from %s\n", d.name, MODNAME);
	if (reprobe) {
		write_attr(d.name, "/sys/bus/%s/drivers_probe", d.bus);
		if (link_name(drv, sizeof(drv), "%s/driver", d.sys))
			printf("%s now bound to %s\n", d.name, drv);
		else
			printf("%s: no other driver took it\n", d.name);
	}
	return ret ? EXIT_FAIL : EXIT_OK;
}
