// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl load and unload: which module file, and loading it (through
 * dmaapictl-mod.c's backend).
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

/**
 * build_tree_module() - <repo>/dmaapi.ko next to a dmaapictl run from
 * <repo>/tools (also the layout of the test guests: /dmaapi/tools).
 */
static bool build_tree_module(char *path, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	slash = strrchr(exe, '/');
	if (!slash || strcmp(slash + 1, "tools"))
		return false;
	*slash = '\0';
	n = strlen(exe);
	if (n + sizeof("/" MODNAME ".ko") > len)
		return false;
	memcpy(path, exe, n);
	memcpy(path + n, "/" MODNAME ".ko", sizeof("/" MODNAME ".ko"));
	return access(path, R_OK) == 0;
}

int cmd_load(int argc, char **argv)
{
	static const int allowed[] = { OPT_MODULE, 0 };
	const char *module = NULL, *source;
	char path[PATH_MAX], opts[4096] = "";
	struct utsname u;
	bool unused = false;
	size_t used = 0;
	int i, ret;

	i = parse_opts(argc, argv, allowed, &unused, &module);
	for (; i < argc; i++) {
		if (!strchr(argv[i], '=') || argv[i][0] == '=') {
			dctl_err(EXIT_USAGE, "load: '%s' is not param=value", argv[i]);
			return cmd_usage("load", EXIT_USAGE);
		}
		ret = snprintf(opts + used, sizeof(opts) - used, "%s%s", used ? " " : "", argv[i]);
		if (ret < 0 || (size_t)ret >= sizeof(opts) - used)
			return dctl_err(EXIT_USAGE, "load: parameters too long");
		used += ret;
	}
	ret = need_root("load");
	if (ret)
		return ret;
	if (module_loaded()) {
		if (used)
			return dctl_err(EXIT_BUSY,
				   "%s is already loaded; unload it first to change parameters", MODNAME);
		printf("%s is already loaded\n", MODNAME);
		return EXIT_OK;
	}
	if (module) {
		snprintf(path, sizeof(path), "%s", module);
		source = "--module";
	} else if (build_tree_module(path, sizeof(path))) {
		source = "build tree";
	} else {
		ret = dctl_mod_lookup(MODNAME, path, sizeof(path));
		if (ret)
			return dctl_err(EXIT_NOMODULE,
				   "no %s module: none in the build tree, none installed for this kernel (make modules_install or dkms), and no --module given",
				   MODNAME);
		source = "installed";
	}
	ret = dctl_mod_insert(path, opts);
	uname(&u);
	switch (-ret) {
	case 0:
		printf("loaded %s (%s)%s%s\n", path, source, used ? " with " : "", opts);
		return EXIT_OK;
	case ENOENT:
		return dctl_err(EXIT_NOMODULE, "%s: no such module file", path);
	case EEXIST:
		printf("%s is already loaded\n", MODNAME);
		return EXIT_OK;
	case EPERM:
	case EACCES:
		return dctl_err(EXIT_NOPERM, "loading %s: %s", path, strerror(-ret));
	case ENOEXEC:
		return dctl_err(EXIT_FAIL, "%s: invalid module format: not built for this kernel (%s)?",
			   path, u.release);
	case EINVAL:
	case ERANGE:
		return dctl_err(EXIT_FAIL, "loading %s: %s: a bad parameter value? (see dmesg)",
			   path, strerror(-ret));
	default:
		return dctl_err(EXIT_FAIL, "loading %s: %s (see dmesg)", path, strerror(-ret));
	}
}

int cmd_unload(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	char refcnt[32];
	bool unused = false;
	int ret;

	if (parse_opts(argc, argv, allowed, &unused, NULL) != argc)
		return cmd_usage("unload", EXIT_USAGE);
	ret = need_root("unload");
	if (ret)
		return ret;
	if (module_builtin())
		return dctl_err(EXIT_FAIL, "%s is built into the kernel", MODNAME);
	if (!module_loaded())
		return dctl_err(EXIT_NOMODULE, "%s is not loaded", MODNAME);
	ret = dctl_mod_remove(MODNAME);
	switch (-ret) {
	case 0:
		printf("unloaded %s\n", MODNAME);
		return EXIT_OK;
	case ENOENT:
		return dctl_err(EXIT_NOMODULE, "%s is not loaded", MODNAME);
	case EBUSY:
	case EAGAIN:
		read_attr(refcnt, sizeof(refcnt), SYS_MODULE "/refcnt");
		return dctl_err(EXIT_BUSY, "%s is in use (refcount %s): close the programs using /dev/%s*",
			   MODNAME, refcnt[0] ? refcnt : "?", MODNAME);
	case EPERM:
	case EACCES:
		return dctl_err(EXIT_NOPERM, "unloading %s: %s", MODNAME, strerror(-ret));
	default:
		return dctl_err(EXIT_FAIL, "unloading %s: %s", MODNAME, strerror(-ret));
	}
}

