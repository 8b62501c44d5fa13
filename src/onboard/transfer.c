/* SPDX-License-Identifier: MIT */
/*
 * The desk's billing-transfer calls (see internal.h): the one file that
 * reaches org/transfer.h, so that the organization port's billing-transfer
 * slot can take them over without the rest of the desk changing.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "onboard/internal.h"
#include "org/transfer.h"

#define NAME_PREFIX	"Onboarding "

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
onb_transfer_invite(struct store *st, const struct msp *m,
    const struct customer *c, const char *oid, const char *account_id,
    int64_t start_at, struct handshake *h, struct transfer *out,
    struct err *e)
{
	struct transfer_invite	 in;
	struct principal	 p;
	char			 name[TRANSFER_NAME_MAX + 1];
	char			 notes[HANDSHAKE_NOTES_MAX];

	onb_msp_principal(m, &p);
	transfer_name(c, oid, name, sizeof(name));
	snprintf(notes, sizeof(notes), "%s offers to pay the AWS bill of "
	    "your organization (%s, account %s), which stays yours. "
	    "Onboarding %s.", m->name, c->name, account_id, oid);
	memset(&in, 0, sizeof(in));
	in.type = TRANSFER_TYPE_BILLING;
	in.target_type = "ACCOUNT";
	in.target_id = account_id;
	in.notes = notes;
	in.name = name;
	in.start_at = start_at;
	return (transfer_invite(st, &p, &in, h, out, e));
}

int
onb_transfer_get(struct store *st, const char *id, int64_t now,
    struct transfer *out, struct err *e)
{
	if (store_transfer_get(st, id, out, e) == -1)
		return (-1);
	transfer_effective(out, now);
	return (0);
}

int
onb_transfer_paid_by(struct store *st, const char *msp_id,
    const char *mgmt_id, int64_t now, int *out, struct err *e)
{
	struct transfer	 t;
	int		 found;

	*out = 0;
	if (store_transfer_in_force(st, 1, mgmt_id, now, 0, NULL, &t, &found,
	    e) == -1)
		return (-1);
	*out = found && strcmp(t.target_mgmt_id, msp_id) == 0;
	return (0);
}
