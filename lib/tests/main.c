// SPDX-License-Identifier: LGPL-2.1-or-later
/* Runs every host suite and prints one summary line: "N passed, N failed". */
#include "test.h"

unsigned t_pass, t_fail;
static unsigned t_num;

void t_group(const char *name)
{
	printf("# %s\n", name);
}

bool t_check(bool ok, const char *file, int line, const char *what)
{
	t_num++;
	if (ok) {
		t_pass++;
		printf("ok %u - %s:%d %s\n", t_num, file, line, what);
	} else {
		t_fail++;
		printf("not ok %u - %s:%d %s\n", t_num, file, line, what);
	}
	return ok;
}

bool t_check_eq(unsigned long long got, unsigned long long want, const char *file, int line,
		const char *got_s, const char *want_s)
{
	bool ok = got == want;

	t_num++;
	if (ok) {
		t_pass++;
		printf("ok %u - %s:%d %s == %s\n", t_num, file, line, got_s, want_s);
	} else {
		t_fail++;
		printf("not ok %u - %s:%d %s == %s\n#   got 0x%llx (%lld), want 0x%llx (%lld)\n",
		       t_num, file, line, got_s, want_s, got, (long long)got, want,
		       (long long)want);
	}
	return ok;
}

int main(void)
{
	printf("TAP version 13\n");
	suite_errors();
	suite_sync();
	suite_pool();
	suite_linux();
	suite_chan();
	suite_irq();
	suite_dmabuf();
	suite_typed();
	suite_syncv();
	printf("1..%u\n", t_num);
	printf("%u passed, %u failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}
