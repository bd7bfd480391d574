/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaapictl: what the CLI's files share (dmaapictl.c: the command table,
 * option parsing and main; dmaapictl-load.c: load, unload;
 * dmaapictl-show.c: status, list, info; dmaapictl-bind.c: bind, unbind;
 * dmaapictl-dmabuf.c: dmabuf; dmaapictl-chan.c: channels;
 * dmaapictl-util.c: messages, sysfs and JSON helpers; dmaapictl-dev.c:
 * devices and nodes; dmaapictl-mod.c: the module loader backends).
 */
#ifndef DMAAPICTL_CLI_H
#define DMAAPICTL_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/dmaapi.h>

#ifndef DMAAPI_VERSION
#define DMAAPI_VERSION "unknown"
#endif

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MODNAME "dmaapi"
#define SYS_MODULE "/sys/module/" MODNAME
#define SYS_PCI "/sys/bus/pci"
#define SYS_PLATFORM "/sys/bus/platform"

/* Exit codes (documented in dmaapictl.8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOPERM = 3,	/* not root / permission denied */
	EXIT_NOMODULE = 4,	/* module file not found, or module not loaded */
	EXIT_NODEV = 5,		/* no such device */
	EXIT_BUSY = 6,		/* device held by another driver, module in use */
};

extern const char *prog;

/* Sorted list of strings. */
struct strlist {
	char **v;
	size_t n;
};

struct json {
	bool on;
	int depth;
	bool first[16];
};

extern struct json js;

/**
 * struct dev_ref - a device on the PCI or platform bus.
 * @name: the kernel's device name, e.g. "0000:00:03.0"
 * @bus: "pci" or "platform"
 * @sys: /sys/bus/<bus>/devices/<name>
 */
struct dev_ref {
	char name[128];
	const char *bus;
	char sys[PATH_MAX];
};

/**
 * struct node_info - what one /dev/dmaapi* node says about itself.
 * @path: "/dev/dmaapi" or "/dev/dmaapi-<dev>"
 * @dev: the bound device's name, "" for the default device
 * @bus: "pci", "platform", or "" if unknown
 * @ok: @info is valid
 * @err: errno of the failed open or ioctl, if !@ok
 * @info: DMAAPI_IOCTL_GET_INFO's answer
 * @open_files: open files of the node, from sysfs, or -1 if not exposed
 * @handles: live handles of all files, from sysfs, or -1
 * @bytes: bytes allocated or mapped by all files, from sysfs, or -1
 */
struct node_info {
	char path[PATH_MAX];
	char dev[128];
	const char *bus;
	bool ok;
	int err;
	struct dmaapi_info info;
	long long open_files, handles, bytes;
};

int __printf(2, 3) dctl_err(int code, const char *fmt, ...);
bool scopy(char *dst, size_t len, const char *src);
int __printf(3, 4) read_attr(char *buf, size_t len, const char *fmt, ...);
int __printf(2, 3) write_attr(const char *val, const char *fmt, ...);
bool __printf(3, 4) link_name(char *buf, size_t len, const char *fmt, ...);
bool __printf(1, 2) path_exists(const char *fmt, ...);
bool module_loaded(void);
bool module_builtin(void);
void strlist_add(struct strlist *l, const char *s);
int strlist_cmp(const void *a, const void *b);
void strlist_free(struct strlist *l);
void dir_list(struct strlist *l, const char *dir, const char *prefix, bool links_only);
void json_str(const char *s);
void json_sep(const char *key);
void json_open(const char *key, char c);
void json_close(char c);
void json_kv_str(const char *key, const char *val);
void json_kv_u64(const char *key, uint64_t val);
void json_kv_hex(const char *key, uint64_t val);
void json_kv_bool(const char *key, bool val);
void json_kv_auto(const char *key, const char *val);
bool dev_find(const char *arg, struct dev_ref *d);
long long misc_counter(const char *node, const char *const *names);
void node_query(const char *path, struct node_info *ni);
int mask_bits(uint64_t mask);
const char *yesno(bool b);
void node_list(struct strlist *l);
void node_json(const struct node_info *ni);
int open_error(const struct node_info *ni);

/* dmaapictl.c: options of the commands */
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
int parse_opts(int argc, char **argv, const int *allowed, bool *flag, const char **module);
/* Prints command @name's usage (to stderr unless @code is 0); returns @code. */
int cmd_usage(const char *name, int code);
int need_root(const char *what);
int need_module(void);

/* The commands: argv[0] is the command's name; return an exit code. */
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bind(int argc, char **argv);
int cmd_unbind(int argc, char **argv);
int cmd_dmabuf(int argc, char **argv);
int cmd_channels(int argc, char **argv);

/* dmaapictl-dmabuf.c */
/**
 * dmabuf_print() - the dma-bufs each node of @nodes exported and imported
 * (its sysfs attribute "dmabufs"), as a table or, with js.on, a JSON array.
 *
 * Return: EXIT_OK, or EXIT_FAIL if a node's attribute cannot be read.
 */
int dmabuf_print(const struct strlist *nodes);

/* dmaapictl-chan.c */
/**
 * chan_print() - the channels the files of each node of @nodes hold (its
 * sysfs attribute "channels"), as a table ("no channels" when there is
 * none) or, with js.on, a JSON array.
 *
 * Return: EXIT_OK, or EXIT_FAIL if a node's attribute cannot be read.
 */
int chan_print(const struct strlist *nodes);

#endif /* DMAAPICTL_CLI_H */
