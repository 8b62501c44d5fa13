/* SPDX-License-Identifier: MIT */
/*
 * Whose cost it is: which imports are the MSP's (paid sources), which are
 * a customer's history (reference), and which deliveries may be imported
 * as which. See paid.h; docs/billing.md "Whose cost it is".
 */
#include <stdio.h>
#include <string.h>

#include "billing/paid.h"
#include "onboard/onboard.h"

int
paid_payer(struct store *st, char out[ACCOUNT_ID_LEN + 1], struct err *e)
{
	struct msp	 m;

	if (msp_get(st, &m, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			return (err_set(e, ERR_NOT_FOUND,
			    AWSERR(DataUnavailableException), NULL,
			    "no MSP is named yet (payerlink msp set): "
			    "nothing is billed until then"));
		return (-1);
	}
	snprintf(out, ACCOUNT_ID_LEN + 1, "%s", m.account_id);
	return (0);
}

enum paid_kind
paid_import_kind(const char *msp_payer, const struct billing_import *im)
{
	if (strcmp(im->role, PAID_ROLE_REFERENCE) == 0)
		return (PAID_KIND_REFERENCE);
	if (msp_payer[0] != '\0' && strcmp(im->payer_id, msp_payer) == 0)
		return (PAID_KIND_BILL);
	return (PAID_KIND_OTHER);
}

int
paid_sources(struct store *st, struct arena *a, const char *from,
    const char *to, struct billing_source **out, size_t *n_out,
    struct err *e)
{
	char	 payer[ACCOUNT_ID_LEN + 1];

	*out = NULL;
	*n_out = 0;
	if (paid_payer(st, payer, e) == -1)
		return (-1);
	return (store_billing_sources(st, a, payer, PAID_ROLE_BILLING, from, to,
	    out, n_out, e));
}

int
paid_history(struct store *st, struct arena *a, const char *from,
    const char *to, struct billing_source **out, size_t *n_out,
    struct err *e)
{
	return (store_billing_sources(st, a, "", PAID_ROLE_REFERENCE, from, to,
	    out, n_out, e));
}

int
paid_import_allowed(const char *msp_payer, const char *p, size_t len,
    const char *role, struct err *e)
{
	int	 reference = strcmp(role, PAID_ROLE_REFERENCE) == 0;
	int	 msps;

	if (strcmp(role, PAID_ROLE_BILLING) != 0 && !reference)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "role: expected billing or reference"));
	if (msp_payer[0] == '\0')
		return (reference ? err_set(e, ERR_INVALID, NULL, NULL,
		    "--reference needs the MSP to be named first (payerlink "
		    "msp set): a reference file is another payer's than the "
		    "MSP's") : 0);
	msps = strlen(msp_payer) == len && memcmp(msp_payer, p, len) == 0;
	if (msps && reference)
		return (err_set(e, ERR_INVALID, "InvalidPayer", NULL,
		    "the file's payer %s is the MSP's own payer account: "
		    "import it as a bill (without --reference)", msp_payer));
	if (!msps && !reference)
		return (err_set(e, ERR_INVALID, "InvalidPayer", NULL,
		    "the file's payer %.*s is not the MSP's payer %s: only what "
		    "the MSP paid is billed. To keep it as a customer's history "
		    "(shown as \"before the MSP\", never billed), import it with "
		    "--reference", (int)(len > 16 ? 16 : len), p, msp_payer));
	return (0);
}
