/* SPDX-License-Identifier: MIT */
/*
 * Saved views of the cost analysis: a person names the page's current
 * query (range, granularity, group-by, filters) and reopens it later.
 * The query is kept as the page wrote it; the page checks it again each
 * time it is opened, as it checks any URL. See portal.h.
 */
#include <stdio.h>
#include <string.h>

#include "portal/portal.h"

void	ce_new_id(const char *, char *, size_t);

/* A query string as the page writes it: name=value pairs, URL-encoded. */
static int
query_ok(const char *q)
{
	for (; *q != '\0'; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9') || strchr("-_.~%+=&", *q) != NULL))
			return (0);
	return (1);
}

int
view_save(struct store *st, struct arena *a, const char *owner,
    const char *name, const char *query, struct saved_view *out,
    struct err *e)
{
	struct saved_view	 v, *old;
	size_t			 n;

	memset(&v, 0, sizeof(v));
	if (owner == NULL || *owner == '\0' || strlen(owner) > VIEW_OWNER_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "owner: a portal user or an account"));
	if (name == NULL || *name == '\0' || strlen(name) > VIEW_NAME_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "name: 1 to %d characters", VIEW_NAME_MAX));
	if (query == NULL || strlen(query) > VIEW_QUERY_MAX || !query_ok(query))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "query: the page's query string, at most %d characters",
		    VIEW_QUERY_MAX));
	snprintf(v.owner, sizeof(v.owner), "%s", owner);
	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.query, sizeof(v.query), "%s", query);
	ce_new_id("vw-", v.id, sizeof(v.id));
	v.created_at = store_now(st);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (store_view_list(st, a, owner, VIEWS_MAX, &old, &n, e) == -1)
		goto fail;
	if (n >= VIEWS_MAX) {
		err_set(e, ERR_INVALID, NULL, NULL, "at most %d saved views: "
		    "delete one first", VIEWS_MAX);
		goto fail;
	}
	if (store_view_insert(st, &v, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	if (out != NULL)
		*out = v;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}
