// SPDX-License-Identifier: GPL-2.0
/* dmaapictl: messages, sysfs and JSON helpers. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dmaapictl-cli.h"

const char *prog = "dmaapictl";

/* ------------------------------------------------------------------------ */
/* Messages and small helpers                                               */

/**
 * dctl_err() - print "dmaapictl: <message>" on stderr and return @code.
 * @code: the exit code to return
 * @fmt: printf format of the message, without the trailing newline
 */
int __printf(2, 3) dctl_err(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/**
 * scopy() - copy @src into @dst of @len bytes, truncating.
 *
 * Return: true if it fitted.
 */
bool scopy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return false;
	if (n >= len) {
		memcpy(dst, src, len - 1);
		dst[len - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

/**
 * read_attr() - read a sysfs attribute into @buf, without the newline.
 * @buf: receives the value ("" on failure)
 * @len: size of @buf
 * @fmt: printf format of the path
 *
 * Return: 0, or -errno if the file cannot be read.
 */
int __printf(3, 4)
read_attr(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		buf[0] = '\0';
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/**
 * write_attr() - write @val to a sysfs attribute.
 * @val: the string to write, as one write()
 * @fmt: printf format of the path
 *
 * Return: 0 or -errno.
 */
int __printf(2, 3)
write_attr(const char *val, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	ssize_t n;
	int fd, ret = 0;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(val))
		ret = -EIO;
	close(fd);
	return ret;
}

/**
 * link_name() - the last component of a symlink's target, e.g. the driver
 * of a device from ".../driver".
 * @buf: receives the name ("" if there is no link)
 * @len: size of @buf
 * @fmt: printf format of the link's path
 *
 * Return: true if the link exists.
 */
bool __printf(3, 4)
link_name(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	scopy(buf, len, base ? base + 1 : target);
	return true;
}

bool __printf(1, 2) path_exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return stat(path, &st) == 0;
}

bool module_loaded(void)
{
	char state[32];

	/*
	 * initstate exists for loadable modules only; a builtin dmaapi has
	 * /sys/module/dmaapi but no initstate and always counts as loaded.
	 */
	if (!read_attr(state, sizeof(state), SYS_MODULE "/initstate"))
		return !strcmp(state, "live") || !strcmp(state, "coming");
	return path_exists(SYS_MODULE "/parameters") || path_exists(SYS_PCI "/drivers/" MODNAME);
}

bool module_builtin(void)
{
	return path_exists(SYS_MODULE) && !path_exists(SYS_MODULE "/initstate");
}


void strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v) {
		l->v = v;
		v[l->n] = strdup(s);
	}
	if (!v || !v[l->n]) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(EXIT_FAIL);
	}
	l->n++;
}

int strlist_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/**
 * dir_list() - the entries of a directory, sorted, without "." and "..".
 * @l: receives the names (empty if the directory cannot be read)
 * @dir: the directory
 * @prefix: only names starting with it ("" for all)
 * @links_only: only symlinks (devices in a driver's directory)
 */
void dir_list(struct strlist *l, const char *dir, const char *prefix, bool links_only)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		if (links_only && de->d_type != DT_LNK)
			continue;
		strlist_add(l, de->d_name);
	}
	closedir(d);
	qsort(l->v, l->n, sizeof(*l->v), strlist_cmp);
}

/* ------------------------------------------------------------------------ */
/* JSON output: just enough for flat objects, arrays and nesting            */


struct json js;

void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void json_sep(const char *key)
{
	if (js.depth > 0) {
		if (!js.first[js.depth])
			putchar(',');
		js.first[js.depth] = false;
	}
	if (key) {
		json_str(key);
		putchar(':');
	}
}

void json_open(const char *key, char c)
{
	json_sep(key);
	putchar(c);
	js.first[++js.depth] = true;
}

void json_close(char c)
{
	js.depth--;
	putchar(c);
	if (!js.depth)
		putchar('\n');
}

void json_kv_str(const char *key, const char *val)
{
	json_sep(key);
	if (val)
		json_str(val);
	else
		fputs("null", stdout);
}

void json_kv_u64(const char *key, uint64_t val)
{
	json_sep(key);
	printf("%llu", (unsigned long long)val);
}

void json_kv_hex(const char *key, uint64_t val)
{
	char s[32];

	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)val);
	json_kv_str(key, s);
}

void json_kv_bool(const char *key, bool val)
{
	json_sep(key);
	fputs(val ? "true" : "false", stdout);
}

/* A sysfs number printed as a JSON number when it is one, else a string. */
void json_kv_auto(const char *key, const char *val)
{
	const char *p = val;

	if (*p == '-')
		p++;
	if (*p && strspn(p, "0123456789") == strlen(p) && (p[0] != '0' || !p[1])) {
		json_sep(key);
		fputs(val, stdout);
	} else {
		json_kv_str(key, val);
	}
}
