// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl: load, inspect and bind the dmaapi kernel module.
 *
 *   dmaapictl load [--module PATH] [param=value...]
 *   dmaapictl unload
 *   dmaapictl status [--json]
 *   dmaapictl list [--json]
 *   dmaapictl bind [--force] DEV
 *   dmaapictl unbind [--reprobe] DEV
 *   dmaapictl info [--json] DEV
 *   dmaapictl dmabuf [--json] [DEV|default]
 *
 * Everything it knows comes from sysfs (/sys/module/dmaapi, the PCI and
 * platform buses) and from DMAAPI_IOCTL_GET_INFO on the device nodes.  See
 * man/dmaapictl.8 for the exit codes, which scripts may rely on.
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

/* ------------------------------------------------------------------------ */
/* Commands                                                                 */

struct cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(int argc, char **argv);
};

static const struct cmd *find_cmd(const char *name);

static int cmd_usage(const char *name, int code)
{
	const struct cmd *c = find_cmd(name);
	FILE *f = code ? stderr : stdout;

	fprintf(f, "usage: %s %s %s\n\n%s", prog, c->name, c->args, c->help);
	return code;
}

enum { OPT_JSON = 0x100, OPT_FORCE, OPT_MODULE, OPT_REPROBE };

/**
 * parse_opts() - the options of one command.
 * @argc, @argv: the command's arguments, argv[0] = the command's name
 * @allowed: the OPT_* values this command takes, 0-terminated
 * @flag: set by --force or --reprobe
 * @module: receives --module's argument
 *
 * -h/--help prints the command's help and exits 0; an unknown option exits
 * EXIT_USAGE.  Sets js.on for --json.
 *
 * Return: optind, the index of the first operand.
 */
static int parse_opts(int argc, char **argv, const int *allowed, bool *flag,
		      const char **module)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "module", required_argument, NULL, OPT_MODULE },
		{ "reprobe", no_argument, NULL, OPT_REPROBE },
		{ 0 }
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hfm:", lo, NULL)) != -1) {
		const int *a;

		if (c == 'h')
			exit(cmd_usage(argv[0], EXIT_OK));
		if (c == 'f')
			c = OPT_FORCE;
		if (c == 'm')
			c = OPT_MODULE;
		for (a = allowed; *a && *a != c; a++)
			;
		if (c == '?' || !*a) {
			dctl_err(EXIT_USAGE, "%s: unknown option '%s'", argv[0], argv[optind - 1]);
			exit(cmd_usage(argv[0], EXIT_USAGE));
		}
		if (c == OPT_JSON)
			js.on = true;
		else if (c == OPT_FORCE || c == OPT_REPROBE)
			*flag = true;
		else if (c == OPT_MODULE)
			*module = optarg;
	}
	return optind;
}

static int need_root(const char *what)
{
	if (geteuid() != 0)
		return dctl_err(EXIT_NOPERM, "%s: must be run as root", what);
	return 0;
}

static int need_module(void)
{
	if (!module_loaded())
		return dctl_err(EXIT_NOMODULE, "the %s module is not loaded (dmaapictl load)", MODNAME);
	return 0;
}

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

static int cmd_load(int argc, char **argv)
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

static int cmd_unload(int argc, char **argv)
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

static int cmd_status(int argc, char **argv)
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

static int cmd_list(int argc, char **argv)
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

static int cmd_dmabuf(int argc, char **argv)
{
	static const int allowed[] = { OPT_JSON, 0 };
	struct strlist nodes = { 0 };
	bool unused = false;
	struct node_info ni;
	int first, ret;

	first = parse_opts(argc, argv, allowed, &unused, NULL);
	if (argc - first > 1)
		return cmd_usage("dmabuf", EXIT_USAGE);
	ret = need_module();
	if (ret)
		return ret;
	if (argc - first == 1) {
		struct dev_ref d;
		char path[PATH_MAX];

		if (!strcmp(argv[first], "default")) {
			snprintf(path, sizeof(path), "/dev/" MODNAME);
		} else {
			if (!dev_find(argv[first], &d))
				return dctl_err(EXIT_NODEV, "%s: no such PCI or platform device",
						argv[first]);
			snprintf(path, sizeof(path), "/dev/" MODNAME "-%s", d.name);
		}
		node_query(path, &ni);
		if (!ni.ok && (ni.err == ENOENT || ni.err == ENODEV))
			return dctl_err(EXIT_NODEV, "%s is not bound to dmaapi", argv[first]);
		strlist_add(&nodes, path);
	} else {
		node_list(&nodes);
	}
	ret = dmabuf_print(&nodes);
	strlist_free(&nodes);
	return ret;
}

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

static int cmd_bind(int argc, char **argv)
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

static int cmd_unbind(int argc, char **argv)
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

static int cmd_info(int argc, char **argv)
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
		printf("api version:     %u\n", ni.info.api_version);
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

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "load", "[--module PATH] [param=value...]",
	  "Load the dmaapi module: the file given with --module, else <repo>/dmaapi.ko\n"
	  "when dmaapictl runs from <repo>/tools, else the installed module of the\n"
	  "running kernel.  Parameters: default_mask_bits, max_alloc_size, max_handles.\n"
	  "  -m, --module PATH  load this .ko file\n", cmd_load },
	{ "unload", "", "Unload the dmaapi module (fails while its devices are open).\n", cmd_unload },
	{ "status", "[--json]",
	  "Whether the module is loaded, its parameters, refcount, nodes, bound\n"
	  "devices and usage counters.  Exits 4 when the module is not loaded.\n", cmd_status },
	{ "list", "[--json]",
	  "Every /dev/dmaapi* node: bus, DMA mask, coherency, IOMMU, handles.\n", cmd_list },
	{ "bind", "[--force] DEV",
	  "Bind the PCI or platform device DEV to dmaapi (driver_override +\n"
	  "drivers_probe), giving /dev/dmaapi-DEV.\n"
	  "  -f, --force  unbind DEV from the driver holding it first\n", cmd_bind },
	{ "unbind", "[--reprobe] DEV",
	  "Unbind DEV from dmaapi and clear its driver_override.\n"
	  "      --reprobe  let the kernel find DEV another driver afterwards\n", cmd_unbind },
	{ "dmabuf", "[--json] [DEV|default]",
	  "The dma-bufs each node (or DEV's) exported and imported: inode, size, and\n"
	  "for exports the offset, memory and attachments, for imports the exporter,\n"
	  "segments and whether the DMA layer bounces them.\n", cmd_dmabuf },
	{ "info", "[--json] DEV|default",
	  "Details of one device: sysfs, and GET_INFO if it is bound to dmaapi.\n", cmd_info },
	{ "help", "[COMMAND]", "Help on dmaapictl or one command.\n", cmd_help },
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int print_usage(int code)
{
	FILE *f = code ? stderr : stdout;

	fprintf(f, "usage: %s [--json] COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", prog);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-7s %s\n", cmds[i].name, cmds[i].args);
	fprintf(f, "\noptions:\n"
		"  -j, --json     JSON output (status, list, info)\n"
		"  -h, --help     this text; COMMAND -h: the command's help\n"
		"  -V, --version  version\n"
		"\nexit codes: 0 ok, 1 failed, 2 usage, 3 not root, 4 module missing or not\n"
		"loaded, 5 no such device, 6 device held by another driver or module busy\n");
	return code;
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1 && find_cmd(argv[1]))
		return cmd_usage(argv[1], EXIT_OK);
	if (argc > 1)
		return dctl_err(EXIT_USAGE, "no such command '%s' (see %s --help)", argv[1], prog);
	return print_usage(EXIT_OK);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const struct cmd *c;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+hjV", lo, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return print_usage(EXIT_OK);
		case 'j':
			js.on = true;
			break;
		case 'V':
			printf("dmaapictl %s (module loader: %s)\n", DMAAPI_VERSION,
			       dctl_mod_backend());
			return EXIT_OK;
		default:
			dctl_err(EXIT_USAGE, "unknown option '%s'", argv[optind - 1]);
			return print_usage(EXIT_USAGE);
		}
	}
	if (optind >= argc) {
		dctl_err(EXIT_USAGE, "no command given");
		return print_usage(EXIT_USAGE);
	}
	c = find_cmd(argv[optind]);
	if (!c) {
		dctl_err(EXIT_USAGE, "unknown command '%s' (see %s --help)", argv[optind], prog);
		return EXIT_USAGE;
	}
	return c->fn(argc - optind, argv + optind);
}
