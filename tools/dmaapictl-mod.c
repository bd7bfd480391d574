// SPDX-License-Identifier: GPL-2.0
/*
 * dmaapictl: loading and unloading the module, through libkmod when the
 * build has it (HAVE_LIBKMOD=1), else through the raw system calls.  See
 * dmaapictl.h for why there are two.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dmaapictl.h"

#if HAVE_LIBKMOD

#include <libkmod.h>

const char *dctl_mod_backend(void)
{
	return "libkmod";
}

/**
 * dctl_kmod_ctx() - a libkmod context with its index loaded.
 *
 * Return: the context (the caller unrefs it) or NULL with errno set.
 */
static struct kmod_ctx *dctl_kmod_ctx(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx) {
		errno = ENOMEM;
		return NULL;
	}
	kmod_load_resources(ctx);
	return ctx;
}

int dctl_mod_lookup(const char *name, char *path, size_t len)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int ret = -ENOENT;

	ctx = dctl_kmod_ctx();
	if (!ctx)
		return -errno;
	if (kmod_module_new_from_lookup(ctx, name, &list) < 0)
		list = NULL;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *p = kmod_module_get_path(mod);

		/* Builtins have no path; aliases resolve to other names. */
		if (p && !strcmp(kmod_module_get_name(mod), name)) {
			snprintf(path, len, "%s", p);
			ret = 0;
		}
		kmod_module_unref(mod);
		if (!ret)
			break;
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return ret;
}

int dctl_mod_insert(const char *path, const char *options)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int ret;

	if (access(path, R_OK))
		return -errno;
	ctx = dctl_kmod_ctx();
	if (!ctx)
		return -errno;
	ret = kmod_module_new_from_path(ctx, path, &mod);
	if (!ret) {
		ret = kmod_module_insert_module(mod, 0, options);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return ret > 0 ? -ret : ret;
}

int dctl_mod_remove(const char *name)
{
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int ret;

	ctx = dctl_kmod_ctx();
	if (!ctx)
		return -errno;
	ret = kmod_module_new_from_name(ctx, name, &mod);
	if (!ret) {
		ret = kmod_module_remove_module(mod, KMOD_REMOVE_NOWAIT);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return ret > 0 ? -ret : ret;
}

#else /* !HAVE_LIBKMOD */

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

const char *dctl_mod_backend(void)
{
	return "syscalls";
}

/*
 * Without libkmod the installed module is found in modules.dep, whose
 * lines start "kernel/.../name.ko[.xz|.gz|.zst]:".
 */
int dctl_mod_lookup(const char *name, char *path, size_t len)
{
	char dir[256], file[300], line[4096];
	struct utsname u;
	size_t n = strlen(name);
	int ret = -ENOENT;
	FILE *f;

	if (uname(&u))
		return -errno;
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	snprintf(file, sizeof(file), "%s/modules.dep", dir);
	f = fopen(file, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *base;

		if (!colon)
			continue;
		*colon = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		if (strncmp(base, name, n) || strncmp(base + n, ".ko", 3))
			continue;
		if (line[0] == '/')
			snprintf(path, len, "%s", line);
		else
			snprintf(path, len, "%s/%s", dir, line);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int dctl_mod_insert(const char *path, const char *options)
{
	int flags = 0, fd, ret;
	const char *dot = strrchr(path, '.');
	struct stat st;
	void *buf;

	if (dot && (!strcmp(dot, ".xz") || !strcmp(dot, ".gz") || !strcmp(dot, ".zst")))
		flags |= MODULE_INIT_COMPRESSED_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, options, flags);
	if (!ret || errno != ENOSYS || flags) {
		ret = ret ? -errno : 0;
		close(fd);
		return ret;
	}
	/* Kernels without finit_module: hand over the image. */
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	if (read(fd, buf, st.st_size) != st.st_size)
		ret = -EIO;
	else
		ret = syscall(SYS_init_module, buf, (unsigned long)st.st_size, options) ? -errno : 0;
	free(buf);
	close(fd);
	return ret;
}

int dctl_mod_remove(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

#endif /* HAVE_LIBKMOD */
