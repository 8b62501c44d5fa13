/* SPDX-License-Identifier: MIT */
/* portal/user.c: what each MSP staff role may change (docs/live.md). */
#include <stdio.h>
#include <string.h>

#include "portal/portal.h"
#include "test.h"

TEST(portal_staff_roles)
{
	static const char *const sections[] = { "onboarding", "customers",
	    "invoices", "pricing", "imports", "portal" };
	static const struct {
		const char	*role;
		const char	*may;	/* one letter per section: y / n */
	} t[] = {
		{ "admin",	"yyyyyy" },
		{ "operator",	"yynnnn" },
		{ "billing",	"nnyyyy" },
		{ "read-only",	"nnnnnn" },
		{ "customer",	"nnnnnn" },
		{ "root",	"nnnnnn" },
	};
	struct portal_user	 u;
	size_t			 i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (k = 0; k < 6; k++)
			CHECK_INT(portal_role_may_change(t[i].role,
			    sections[k]), t[i].may[k] == 'y');
	/* A word inside a section's name is not the section. */
	CHECK_INT(portal_role_may_change("operator", "board"), 0);
	CHECK_INT(portal_role_may_change("operator", ""), 0);
	CHECK_INT(portal_role_known("operator"), 1);
	CHECK_INT(portal_role_known("customer"), 0);
	memset(&u, 0, sizeof(u));
	snprintf(u.role, sizeof(u.role), "customer");
	CHECK_INT(portal_user_can_write(&u), 1);	/* its own budgets */
	snprintf(u.role, sizeof(u.role), "operator");
	CHECK_INT(portal_user_can_write(&u), 0);
	snprintf(u.role, sizeof(u.role), "billing");
	CHECK_INT(portal_user_can_write(&u), 1);
}
