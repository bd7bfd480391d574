// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl dmabuf: what each node exported and imported, from its sysfs
 * attribute /sys/class/misc/<node>/dmabufs (include/uapi/linux/dmaapi.h):
 * one line per dma-buf, "export" or "import" followed by key=value fields.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dmaapictl-cli.h"

#define DMABUFS_MAX 8192	/* the attribute is at most a page */

/* The attribute of node @path, in @buf; 0 or -errno. */
static int read_dmabufs(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	return read_attr(buf, len, "/sys/class/misc/%s/dmabufs", base);
}

/* One line: "kind k=v k=v ...", split in place. */
static void print_line(const char *node, char *line)
{
	char *save = NULL, *tok, *kind = strtok_r(line, " ", &save);
	char ino[32] = "-", size[32] = "-", rest[512] = "";
	size_t n = 0;

	if (!kind)
		return;
	if (js.on) {
		json_open(NULL, '{');
		json_kv_str("kind", kind);
	}
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (js.on) {
			json_kv_auto(tok, eq + 1);
		} else if (!strcmp(tok, "ino")) {
			scopy(ino, sizeof(ino), eq + 1);
		} else if (!strcmp(tok, "size")) {
			scopy(size, sizeof(size), eq + 1);
		} else if (n < sizeof(rest)) {
			int w = snprintf(rest + n, sizeof(rest) - n, "%s%s=%s", n ? " " : "", tok,
					 eq + 1);

			n += w > 0 ? (size_t)w : 0;
		}
	}
	if (js.on)
		json_close('}');
	else
		printf("%-32s %-6s %-10s %-10s %s\n", node, kind, ino, size, rest);
}

int dmabuf_print(const struct strlist *nodes)
{
	static char buf[DMABUFS_MAX];
	int ret = EXIT_OK;

	if (js.on)
		json_open(NULL, '[');
	else
		printf("%-32s %-6s %-10s %-10s %s\n", "NODE", "KIND", "INODE", "SIZE", "DETAILS");
	for (size_t i = 0; i < nodes->n; i++) {
		char *save = NULL, *line;
		int r = read_dmabufs(nodes->v[i], buf, sizeof(buf));

		if (js.on) {
			json_open(NULL, '{');
			json_kv_str("node", nodes->v[i]);
		}
		if (r) {
			/* a module without dma-buf support has no such attribute */
			if (r != -ENOENT)
				ret = dctl_err(EXIT_FAIL, "%s: dmabufs: %s", nodes->v[i], strerror(-r));
			if (js.on) {
				json_kv_str("dmabufs", NULL);
				json_close('}');
			}
			continue;
		}
		if (js.on)
			json_open("dmabufs", '[');
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			print_line(nodes->v[i], line);
		if (js.on) {
			json_close(']');
			json_close('}');
		}
	}
	if (js.on)
		json_close(']');
	return ret;
}

int cmd_dmabuf(int argc, char **argv)
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
