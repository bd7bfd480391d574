// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl channels: the dmaengine channels each node's files hold, from
 * its sysfs attribute /sys/class/misc/<node>/channels
 * (include/uapi/linux/dmaapi.h): one line per channel of key=value fields,
 * and a last "truncated=<n>" when the page did not hold them all.  A slave
 * channel's line also has its directions, register widths and max burst
 * ("-" for a memcpy-only channel or an older module).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dmaapictl-cli.h"

#define CHANNELS_MAX 8192	/* the attribute is at most a page */

/* The columns of the table, in the attribute's keys. */
static const struct {
	const char *key, *title;
	int width;		/* < 0: left-aligned */
} cols[] = {
	{ "chan", "CHANNEL", -10 }, { "pid", "PID", -8 }, { "handle", "HANDLE", 6 },
	{ "queued", "QUEUED", 6 }, { "unread", "UNREAD", 6 }, { "limit", "LIMIT", 6 },
	{ "submitted", "SUBMITTED", 9 }, { "completed", "COMPLETED", 9 },
	{ "errors", "ERRORS", 6 }, { "aborted", "ABORTED", 6 }, { "mapped", "MAPPED", 6 },
	{ "max_job", "MAXJOB", -12 }, { "slave_dirs", "SLAVE", -21 },
	{ "slave_widths", "WIDTHS", -6 }, { "slave_max_burst", "BURST", 5 },
	{ "device", "DEVICE", 0 },
};

static int read_channels(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	return read_attr(buf, len, "/sys/class/misc/%s/channels", base);
}

/* One line "k=v k=v ...", split in place; returns 1 for a channel's line. */
static int print_line(const char *node, char *line)
{
	const char *val[ARRAY_SIZE(cols)] = { 0 };
	char *save = NULL, *tok;

	if (!strncmp(line, "truncated=", strlen("truncated="))) {
		if (!js.on)
			fprintf(stderr, "%s: %s: %s more channels not listed (the attribute holds a page)\n",
				prog, node, line + strlen("truncated="));
		return 0;
	}
	if (js.on)
		json_open(NULL, '{');
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (js.on) {
			json_kv_auto(tok, eq + 1);
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
			if (!strcmp(tok, cols[i].key))
				val[i] = eq + 1;
	}
	if (js.on) {
		json_close('}');
		return 1;
	}
	printf("%-32s", node);
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		printf(" %*s", cols[i].width, val[i] ? val[i] : "-");
	printf("\n");
	return 1;
}

int chan_print(const struct strlist *nodes)
{
	static char buf[CHANNELS_MAX];
	int ret = EXIT_OK, found = 0;

	if (js.on) {
		json_open(NULL, '[');
	} else {
		printf("%-32s", "NODE");
		for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
			printf(" %*s", cols[i].width, cols[i].title);
		printf("\n");
	}
	for (size_t i = 0; i < nodes->n; i++) {
		char *save = NULL, *line;
		int r = read_channels(nodes->v[i], buf, sizeof(buf));

		if (js.on) {
			json_open(NULL, '{');
			json_kv_str("node", nodes->v[i]);
		}
		if (r) {
			/* a module older than the attribute */
			if (r != -ENOENT)
				ret = dctl_err(EXIT_FAIL, "%s: channels: %s", nodes->v[i], strerror(-r));
			if (js.on) {
				json_kv_str("channels", NULL);
				json_close('}');
			}
			continue;
		}
		if (js.on)
			json_open("channels", '[');
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			found += print_line(nodes->v[i], line);
		if (js.on) {
			json_close(']');
			json_close('}');
		}
	}
	if (js.on)
		json_close(']');
	else if (!found)
		printf("no channels\n");
	return ret;
}

int cmd_channels(int argc, char **argv)
{
	static const int allowed[] = { OPT_JSON, 0 };
	struct strlist nodes = { 0 };
	bool unused = false;
	int first, ret;

	first = parse_opts(argc, argv, allowed, &unused, NULL);
	if (argc - first > 1)
		return cmd_usage("channels", EXIT_USAGE);
	ret = need_module();
	if (ret)
		return ret;
	if (argc - first == 1) {
		const char *arg = argv[first];
		char path[PATH_MAX];
		struct node_info ni;
		struct dev_ref d;

		if (!strcmp(arg, "default") || !strcmp(arg, "/dev/" MODNAME)) {
			snprintf(path, sizeof(path), "/dev/" MODNAME);
		} else if (!strncmp(arg, "/dev/" MODNAME "-", strlen("/dev/" MODNAME "-"))) {
			scopy(path, sizeof(path), arg);
		} else {
			if (!dev_find(arg, &d))
				return dctl_err(EXIT_NODEV, "%s: no such PCI or platform device", arg);
			snprintf(path, sizeof(path), "/dev/" MODNAME "-%s", d.name);
		}
		node_query(path, &ni);
		if (!ni.ok && (ni.err == ENOENT || ni.err == ENODEV))
			return dctl_err(EXIT_NODEV, "%s is not a dmaapi node", arg);
		strlist_add(&nodes, path);
	} else {
		node_list(&nodes);
	}
	ret = chan_print(&nodes);
	strlist_free(&nodes);
	return ret;
}
