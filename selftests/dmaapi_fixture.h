/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness as the ioctl test programs (dmaapi_ioctl,
 * dmaapi_abi, dmaapi_mmap) use it, and their fixture: a file of the
 * module's default node /dev/dmaapi with its GET_INFO.
 */
#ifndef DMAAPI_FIXTURE_H
#define DMAAPI_FIXTURE_H

/* the harness: unused parameters, and setjmp in its test wrapper */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

/*
 * The harness gives each test 30 s.  The debug kernels (KASAN, lockdep)
 * under TCG run about 10x slower than the Debian ones, where no test here
 * takes more than a few seconds: 120 s each, more where a test says so.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#include "dmaapi_util.h"

FIXTURE(dmaapi) {
	int fd;
	struct dmaapi_info info;
};

FIXTURE_SETUP(dmaapi)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open_dev();
	OPEN_OR_SKIP(self->fd, DEV_PATH);
	ASSERT_EQ(0, get_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(dmaapi)
{
	if (self->fd >= 0)
		close(self->fd);
}

#endif /* DMAAPI_FIXTURE_H */
