/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tiny TAP harness for the host tests: every check is one TAP line. */
#ifndef DMAAPI_TEST_H
#define DMAAPI_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

extern unsigned t_pass, t_fail;

bool t_check(bool ok, const char *file, int line, const char *what);
bool t_check_eq(unsigned long long got, unsigned long long want, const char *file, int line,
		const char *got_s, const char *want_s);
void t_group(const char *name);

#define CHECK(cond) t_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(got, want) \
	t_check_eq((unsigned long long)(got), (unsigned long long)(want), __FILE__, __LINE__, \
		   #got, #want)
/* A negative return code and this thread's last error agree. */
#define CHECK_ERR(expr, err)                                           \
	do {                                                           \
		int r_ = (expr);                                       \
		CHECK_EQ(r_, -(err));                                  \
		CHECK_EQ(dmaapi_last_error()->code, (err));            \
	} while (0)

/* Suites */
void suite_sync(void);
void suite_errors(void);
void suite_linux(void);
void suite_pool(void);
void suite_chan(void);

/* test_linux.c's fake kernel, for test_chan.c (its channel commands). */
struct dmaapi_device;
int fake_chan_ioctl(int fd, unsigned long req, void *arg);
struct dmaapi_device *fake_linux_device(void);
unsigned fake_linux_frees(uint32_t handle);
void fake_linux_end(void);
void suite_irq(void);
void suite_dmabuf(void);
/* the typed accessors (header only, issue #18) */
void suite_typed(void);
/* test_syncv.c: the vectored sync, and the fake kernel's SYNCV */
void suite_syncv(void);
int fake_syncv_ioctl(int fd, unsigned long req, void *arg);

#endif
