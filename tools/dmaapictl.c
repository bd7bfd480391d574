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
 *   dmaapictl channels [--json] [NODE|DEV|default]
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

int cmd_usage(const char *name, int code)
{
	const struct cmd *c = find_cmd(name);
	FILE *f = code ? stderr : stdout;

	fprintf(f, "usage: %s %s %s\n\n%s", prog, c->name, c->args, c->help);
	return code;
}

int parse_opts(int argc, char **argv, const int *allowed, bool *flag,
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

int need_root(const char *what)
{
	if (geteuid() != 0)
		return dctl_err(EXIT_NOPERM, "%s: must be run as root", what);
	return 0;
}

int need_module(void)
{
	if (!module_loaded())
		return dctl_err(EXIT_NOMODULE, "the %s module is not loaded (dmaapictl load)", MODNAME);
	return 0;
}
static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "load", "[--module PATH] [param=value...]",
	  "Load the dmaapi module: the file given with --module, else <repo>/dmaapi.ko\n"
	  "when dmaapictl runs from <repo>/tools, else the installed module of the\n"
	  "running kernel.  Parameters: default_mask_bits, max_alloc_size, max_handles,\n"
	  "regcache_entries.\n"
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
	{ "channels", "[--json] [NODE|DEV|default]",
	  "The dmaengine channels the files of each node (or of NODE) hold: channel,\n"
	  "requester's pid, handle, queued and unread jobs, queue limit, jobs submitted,\n"
	  "completed, in error and aborted, objects mapped, max bytes a job, DMA device.\n",
	  cmd_channels },
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
