/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmaapictl: the module loader behind the CLI.
 *
 * Two backends implement these calls (dmaapictl-mod.c):
 *  - libkmod (HAVE_LIBKMOD=1): the host build, linked against libkmod.so;
 *  - raw syscalls (finit_module/init_module, delete_module): the static
 *    build that runs in the test guests, where no libkmod.a exists (Debian
 *    ships only the shared library) and busybox has no modprobe database.
 * The CLI does not know which one it runs on except through
 * dctl_mod_backend().
 */
#ifndef DMAAPICTL_H
#define DMAAPICTL_H

#include <stddef.h>

/**
 * dctl_mod_lookup() - the path of the installed module @name for the
 * running kernel.
 * @name: module name, e.g. "dmaapi"
 * @path: receives the path
 * @len: size of @path
 *
 * Return: 0, -ENOENT if the module is not installed, or another -errno.
 */
int dctl_mod_lookup(const char *name, char *path, size_t len);

/**
 * dctl_mod_insert() - load the module file at @path with @options.
 * @path: a .ko file (compressed ones need the kernel's decompression
 *        support in the syscall backend)
 * @options: "param=value param=value", or ""
 *
 * Return: 0 or -errno from the kernel: -EEXIST already loaded, -ENOEXEC
 * built for another kernel, -EPERM not allowed, -ENOENT no such file,
 * -EINVAL a bad parameter (details in dmesg), ...
 */
int dctl_mod_insert(const char *path, const char *options);

/**
 * dctl_mod_remove() - unload the module @name, without waiting.
 *
 * Return: 0 or -errno: -ENOENT not loaded, -EBUSY/-EAGAIN in use,
 * -EPERM not allowed.
 */
int dctl_mod_remove(const char *name);

/** dctl_mod_backend() - "libkmod" or "syscalls". */
const char *dctl_mod_backend(void);

#endif /* DMAAPICTL_H */
