// SPDX-License-Identifier: LGPL-2.1-or-later
/* Links against libdmaapi.so like a user program and checks the basics. */
#include <dmaapi.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	int fail = 0;

	if (strcmp(dmaapi_version(), EXPECTED_VERSION)) {
		printf("not ok - version %s != %s\n", dmaapi_version(), EXPECTED_VERSION);
		fail++;
	}
	if (dmaapi_strerror(-DMAAPI_ERR_INDEX) != dmaapi_strerror(DMAAPI_ERR_INDEX))
		fail++;
	if (dmaapi_box_read(NULL, NULL) != -DMAAPI_ERR_NULL_POINTER ||
	    dmaapi_last_error()->code != DMAAPI_ERR_NULL_POINTER)
		fail++;
	printf("%s - link-test: libdmaapi.so %s links and runs\n", fail ? "not ok" : "ok",
	       dmaapi_version());
	return fail != 0;
}
