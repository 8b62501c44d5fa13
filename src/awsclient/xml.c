/* SPDX-License-Identifier: MIT */
/*
 * Reading the XML answers of STS and S3 with expat: a flat walk that hands
 * each element's path and text to the caller, within explicit limits. No
 * DTD is accepted, so no entity can be declared (no "billion laughs", no
 * external entity), whatever the expat version.
 */
#include <expat.h>
#include <string.h>

#include "awsclient/internal.h"
#include "core/buf.h"

#define XML_MAX_PATH	1024

struct walk {
	XML_Parser	 p;
	int		(*fn)(void *, const char *, const char *, size_t,
			    struct err *);
	void		*arg;
	struct err	*e;
	int		 failed;
	char		 path[XML_MAX_PATH];
	size_t		 plen[XML_MAX_DEPTH + 1];	/* path length per depth */
	size_t		 depth;
	struct buf	 text[XML_MAX_DEPTH + 1];
};

static void
walk_fail(struct walk *w, enum err_code code, const char *msg)
{
	if (!w->failed)
		err_set(w->e, code, NULL, NULL, "%s", msg);
	w->failed = 1;
	XML_StopParser(w->p, XML_FALSE);
}

/* The local name: what follows a namespace prefix's ':'. */
static const char *
local_name(const char *name)
{
	const char	*c = strrchr(name, ':');

	return (c != NULL ? c + 1 : name);
}

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct walk	*w = arg;
	const char	*ln = local_name(name);
	size_t		 len = strlen(ln), at;

	(void)attrs;
	if (w->failed)
		return;
	if (w->depth >= XML_MAX_DEPTH) {
		walk_fail(w, ERR_LIMIT, "XML answer nested too deep");
		return;
	}
	at = w->depth == 0 ? 0 : w->plen[w->depth];
	if (at + len + 2 >= sizeof(w->path)) {
		walk_fail(w, ERR_LIMIT, "XML answer: path too long");
		return;
	}
	if (at > 0)
		w->path[at++] = '/';
	memcpy(w->path + at, ln, len + 1);
	w->depth++;
	w->plen[w->depth] = at + len;
	buf_reset(&w->text[w->depth]);
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
	struct walk	*w = arg;

	(void)name;
	if (w->failed || w->depth == 0)
		return;
	w->path[w->plen[w->depth]] = '\0';
	if (w->fn(w->arg, w->path, buf_str(&w->text[w->depth]),
	    w->text[w->depth].len, w->e) == -1) {
		w->failed = 1;
		XML_StopParser(w->p, XML_FALSE);
		return;
	}
	w->depth--;
	if (w->depth > 0)
		w->path[w->plen[w->depth]] = '\0';
	else
		w->path[0] = '\0';
}

static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
	struct walk	*w = arg;

	if (w->failed || w->depth == 0)
		return;
	if (buf_add(&w->text[w->depth], s, (size_t)len) == -1)
		walk_fail(w, ERR_LIMIT, "XML answer: an element's text is "
		    "too long");
}

static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	walk_fail(arg, ERR_INVALID, "XML answer has a DOCTYPE, which AWS "
	    "never sends");
}

int
xml_parse(const char *p, size_t len,
    int (*fn)(void *, const char *, const char *, size_t, struct err *),
    void *arg, struct err *e)
{
	struct walk	 w;
	size_t		 i;
	int		 rc = 0;

	memset(&w, 0, sizeof(w));
	w.fn = fn;
	w.arg = arg;
	w.e = e;
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		buf_init(&w.text[i], XML_MAX_TEXT);
	if ((w.p = XML_ParserCreate("UTF-8")) == NULL)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "out of memory "
		    "for an XML parser"));
	XML_SetUserData(w.p, &w);
	XML_SetElementHandler(w.p, on_start, on_end);
	XML_SetCharacterDataHandler(w.p, on_text);
	XML_SetStartDoctypeDeclHandler(w.p, on_doctype);
	if (len > (size_t)INT32_MAX) {
		rc = err_set(e, ERR_LIMIT, NULL, NULL, "XML answer too large");
	} else if (XML_Parse(w.p, p, (int)len, XML_TRUE) != XML_STATUS_OK) {
		if (!w.failed)
			rc = err_set(e, ERR_INVALID, NULL, NULL, "malformed XML "
			    "answer: %s at line %lu",
			    XML_ErrorString(XML_GetErrorCode(w.p)),
			    (unsigned long)XML_GetCurrentLineNumber(w.p));
		else
			rc = -1;
	} else if (w.failed)
		rc = -1;
	XML_ParserFree(w.p);
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		buf_release(&w.text[i]);
	return (rc);
}

int
xml_path_is(const char *path, const char *suffix)
{
	size_t	 pl = strlen(path), sl = strlen(suffix);

	if (pl == sl)
		return (strcmp(path, suffix) == 0);
	return (pl > sl && path[pl - sl - 1] == '/' &&
	    strcmp(path + pl - sl, suffix) == 0);
}
