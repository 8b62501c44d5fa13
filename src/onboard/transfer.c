/* SPDX-License-Identifier: MIT */
/*
 * The desk's billing-transfer calls (see internal.h), through the
 * organization port's billing-transfer operations (org/port.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "onboard/internal.h"

#define NAME_PREFIX	"Onboarding "
/* The inbound transfers looked through: more than an MSP has customers. */
#define PAID_BY_MAX	1000

int64_t
onb_transfer_default_start(int64_t now)
{
	int		 y;
	unsigned	 m, d;
	int64_t		 start;

	clock_civil_from_days(now / MS_PER_DAY, &y, &m, &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	start = clock_days_from_civil(y, m, 1) * MS_PER_DAY;
	if (start - now >= 2 * MS_PER_DAY)
		return (start);
	if (++m > 12) {
		m = 1;
		y++;
	}
	return (clock_days_from_civil(y, m, 1) * MS_PER_DAY);
}

/* The transfer's name: AWS wants printable ASCII, a customer's name may
 * be any UTF-8, so other bytes become '?'. */
static void
transfer_name(const struct customer *c, const char *oid, char *buf,
    size_t len)
{
	size_t	 i, n;

	n = (size_t)snprintf(buf, len, NAME_PREFIX "%s: %s", oid, c->name);
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		if (buf[i] < ' ' || buf[i] > '~')
			buf[i] = '?';
}

int
onb_transfer_invite(const struct orgport *org, const struct msp *m,
    const struct customer *c, const char *oid, const char *account_id,
    int64_t start_at, struct orgport_handshake *h,
    struct orgport_transfer *out, struct err *e)
{
	char	 name[TRANSFER_NAME_MAX + 1];
	char	 notes[HANDSHAKE_NOTES_MAX];

	transfer_name(c, oid, name, sizeof(name));
	snprintf(notes, sizeof(notes), "%s offers to pay the AWS bill of "
	    "your organization (%s, account %s), which stays yours. "
	    "Onboarding %s.", m->name, c->name, account_id, oid);
	return (orgport_invite_transfer(org, m->account_id, account_id, name,
	    notes, start_at, h, out, e));
}

int
onb_transfer_paid_by(const struct orgport *org, const char *msp_id,
    const char *org_id, const char *mgmt_id, int *out, struct err *e)
{
	struct arena		 a;
	struct orgport_transfer	*v;
	size_t			 n, i;
	int			 rc;

	*out = 0;
	arena_init(&a);
	rc = orgport_inbound_transfers(org, &a, msp_id, PAID_BY_MAX, &v, &n,
	    e);
	for (i = 0; rc == 0 && i < n && !*out; i++)
		*out = (org_id[0] != '\0' &&
		    strcmp(v[i].source_org_id, org_id) == 0) ||
		    (mgmt_id[0] != '\0' &&
		    strcmp(v[i].source_mgmt_id, mgmt_id) == 0);
	arena_release(&a);
	return (rc);
}
