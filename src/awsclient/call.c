/* SPDX-License-Identifier: MIT */
/*
 * Making one AWS call: credentials, signature, the HTTP exchange, the
 * retries of the "standard" mode, and AWS's error turned into struct err
 * (the one place that formats a call's error, and so the one place that
 * keeps secrets out of it). Also the generic JSON 1.1 call.
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "awsclient/internal.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/json.h"
#include "core/log.h"
#include "core/xmalloc.h"

#define USER_AGENT	"payerlink-awsclient/1 libcurl"
/* Error answers are read whole but need not be large. */
#define ERROR_BODY_MAX	(64 * 1024)

/* ---- error codes that outlive the call ---- */

#define CODES_MAX	256
#define CODE_LEN	96

static pthread_mutex_t	 codes_lock = PTHREAD_MUTEX_INITIALIZER;
static char		 codes[CODES_MAX][CODE_LEN];
static size_t		 ncodes;

const char *
code_intern(const char *code, size_t len)
{
	const char	*r = "UnknownError";
	size_t		 i;

	if (len == 0 || len >= CODE_LEN)
		return (r);
	for (i = 0; i < len; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= 'a' &&
		    code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
		    code[i] == '_' || code[i] == '.' || code[i] == '-'))
			return (r);
	pthread_mutex_lock(&codes_lock);
	for (i = 0; i < ncodes; i++)
		if (strlen(codes[i]) == len && memcmp(codes[i], code, len) == 0)
			break;
	/* A process meets few distinct codes; past the table, a generic one. */
	if (i == ncodes && ncodes < CODES_MAX) {
		memcpy(codes[ncodes], code, len);
		codes[ncodes][len] = '\0';
		ncodes++;
	}
	if (i < ncodes)
		r = codes[i];
	pthread_mutex_unlock(&codes_lock);
	return (r);
}

void
scrub(char *msg, size_t size, const char *const *secrets, size_t n)
{
	static const char	 red[] = "[redacted]";
	char			*p;
	size_t			 i, sl, ml;

	for (i = 0; i < n; i++) {
		if (secrets[i] == NULL || (sl = strlen(secrets[i])) < 4)
			continue;
		while ((p = strstr(msg, secrets[i])) != NULL) {
			ml = strlen(msg);
			if (sizeof(red) - 1 <= sl) {
				memcpy(p, red, sizeof(red) - 1);
				memmove(p + sizeof(red) - 1, p + sl,
				    ml - (size_t)(p - msg) - sl + 1);
			} else {
				/* Longer than the secret: cut at the secret. */
				snprintf(p, size - (size_t)(p - msg), "%s", red);
				break;
			}
		}
		/* A secret cut short by the message's end still shows its
		   start: wipe any tail that is a prefix of it. */
		ml = strlen(msg);
		for (sl = sl - 1; sl >= 4; sl--)
			if (ml >= sl && strncmp(msg + ml - sl, secrets[i],
			    sl) == 0) {
				snprintf(msg + ml - sl, size - (ml - sl), "%s",
				    red);
				break;
			}
	}
}

/* ---- calls ---- */

void
call_init(struct call *c, const struct svc *svc, const char *action)
{
	memset(c, 0, sizeof(*c));
	c->svc = svc;
	c->action = action;
	c->method = "POST";
	c->path = "/";
	c->query = "";
	c->max_body = AWSCLIENT_MAX_RESPONSE;
	hdrs_init(&c->hdrs);
	http_resp_init(&c->resp);
}

void
call_release(struct call *c)
{
	hdrs_release(&c->hdrs);
	http_resp_release(&c->resp);
}

void
call_secret(struct call *c, const char *s)
{
	size_t	 i;

	for (i = 0; i < CALL_MAX_SECRETS; i++)
		if (c->secrets[i] == NULL) {
			c->secrets[i] = s;
			return;
		}
}

/* Error parsing state for the XML walk. */
struct xml_error {
	char	 code[CODE_LEN];
	char	 msg[sizeof(((struct err *)0)->msg)];
};

static int
xml_error_end(void *arg, const char *path, const char *text, size_t len,
    struct err *e)
{
	struct xml_error	*x = arg;

	(void)e;
	if (xml_path_is(path, "Error/Code") && x->code[0] == '\0')
		snprintf(x->code, sizeof(x->code), "%.*s", (int)len, text);
	else if (xml_path_is(path, "Error/Message") && x->msg[0] == '\0')
		snprintf(x->msg, sizeof(x->msg), "%.*s", (int)len, text);
	return (0);
}

/* "prefix#Code:suffix" (JSON __type, x-amzn-ErrorType) to "Code". */
static void
code_clean(const char *t, char *out, size_t len)
{
	const char	*h = strrchr(t, '#');
	size_t		 n;

	if (h != NULL)
		t = h + 1;
	n = strcspn(t, ":");
	snprintf(out, len, "%.*s", (int)n, t);
}

static const char *const auth_codes[] = {
	"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
	"ExpiredTokenException", "UnrecognizedClientException",
	"InvalidSignatureException", "IncompleteSignature",
	"IncompleteSignatureException", "MissingAuthenticationToken",
	"MissingAuthenticationTokenException", "InvalidAccessKeyId",
	"InvalidToken", "AuthFailure", "InvalidIdentityToken",
	"ExpiredTokenException", NULL
};

static enum err_code
code_class(const char *code, int status)
{
	size_t	 i, n = code != NULL ? strlen(code) : 0;

	for (i = 0; code != NULL && auth_codes[i] != NULL; i++)
		if (strcmp(code, auth_codes[i]) == 0)
			return (ERR_AUTH);
	if (code != NULL && (strstr(code, "AccessDenied") != NULL ||
	    strcmp(code, "Forbidden") == 0))
		return (ERR_DENIED);
	if ((code != NULL && (strncmp(code, "NoSuch", 6) == 0 ||
	    (n >= 8 && strcmp(code + n - 8, "NotFound") == 0) ||
	    (n >= 17 && strcmp(code + n - 17, "NotFoundException") == 0))) ||
	    status == 404)
		return (ERR_NOT_FOUND);
	if (retry_classify(status, code, 0) == RETRY_THROTTLE)
		return (ERR_LIMIT);
	if (status >= 500)
		return (ERR_INTERNAL);
	if (status == 403)
		return (ERR_DENIED);
	if (code != NULL && (strstr(code, "Validation") != NULL ||
	    strncmp(code, "InvalidParameter", 16) == 0 ||
	    strcmp(code, "InvalidInputException") == 0 ||
	    strcmp(code, "SerializationException") == 0))
		return (ERR_INVALID);
	return (ERR_CONFLICT);
}

/* The code an answer without an error body stands for. */
static const char *
status_code(int status)
{
	switch (status) {
	case 400: return ("BadRequest");
	case 403: return ("Forbidden");
	case 404: return ("NotFound");
	case 412: return ("PreconditionFailed");
	case 416: return ("InvalidRange");
	case 429: return ("TooManyRequestsException");
	case 500: return ("InternalError");
	case 503: return ("ServiceUnavailable");
	default: return (NULL);
	}
}

/* "organizations:ListAccounts" into out. */
static void
iam_action(const struct call *c, char *out, size_t len)
{
	if (c->iam_action != NULL)
		snprintf(out, len, "%s", c->iam_action);
	else
		snprintf(out, len, "%s:%s", c->svc->id, c->action);
}

int
call_error(const struct call *c, int status, const char *body, size_t len,
    const char *type_header, struct err *e)
{
	struct xml_error	 x;
	struct err		 ignore;
	json_t			*j = NULL, *v;
	const char		*code = NULL, *reason = NULL, *s;
	char			 action[160], codebuf[CODE_LEN];
	char			 msg[sizeof(e->msg)];
	struct buf		 b;
	size_t			 i;

	memset(&x, 0, sizeof(x));
	iam_action(c, action, sizeof(action));
	for (i = 0; i < len && strchr(" \t\r\n", body[i]) != NULL; i++)
		;
	if (i < len && body[i] == '{' &&
	    json_decode_object(body, len, 16, &j, &ignore) == 0) {
		if ((v = json_object_get(j, "__type")) == NULL &&
		    (v = json_object_get(j, "code")) == NULL)
			v = json_object_get(j, "Code");
		if (json_is_string(v))
			code_clean(json_string_value(v), x.code,
			    sizeof(x.code));
		if ((v = json_object_get(j, "message")) == NULL &&
		    (v = json_object_get(j, "Message")) == NULL)
			v = json_object_get(j, "errorMessage");
		if (json_is_string(v))
			snprintf(x.msg, sizeof(x.msg), "%s",
			    json_string_value(v));
		if (json_is_string(v = json_object_get(j, "Reason")))
			reason = code_intern(json_string_value(v),
			    strlen(json_string_value(v)));
	} else if (i < len && body[i] == '<')
		(void)xml_parse(body + i, len - i, xml_error_end, &x, &ignore);
	json_decref(j);
	if (type_header != NULL && type_header[0] != '\0') {
		code_clean(type_header, codebuf, sizeof(codebuf));
		snprintf(x.code, sizeof(x.code), "%s", codebuf);
	}
	if (x.code[0] != '\0')
		code = code_intern(x.code, strlen(x.code));
	else if ((s = status_code(status)) != NULL)
		code = s;
	if (x.msg[0] == '\0')
		snprintf(x.msg, sizeof(x.msg), "%s", code != NULL ? code :
		    "an error without a message");
	/* The server's message was cut to x.msg: a secret it echoed may end
	 * there cut short, to be followed by more text below. */
	scrub(x.msg, sizeof(x.msg), c->secrets, CALL_MAX_SECRETS);
	buf_init(&b, 0);
	/* AWS: an AccessDenied names the refused action; say it first. */
	buf_printf(&b, code_class(code, status) == ERR_DENIED ? "%s refused: "
	    "%s (HTTP %d" : "%s: %s (HTTP %d", action, x.msg, status);
	if (c->resp.request_id[0] != '\0')
		buf_printf(&b, ", request id %.100s", c->resp.request_id);
	buf_addc(&b, ')');
	/* Scrubbed whole, then cut, then its tail scrubbed once more. */
	scrub(b.ptr, b.len + 1, c->secrets, CALL_MAX_SECRETS);
	snprintf(msg, sizeof(msg), "%s", buf_str(&b));
	buf_release(&b);
	scrub(msg, sizeof(msg), c->secrets, CALL_MAX_SECRETS);
	err_set(e, code_class(code, status), code, reason, "%s", msg);
	if (e != NULL)
		e->http_status = status;
	return (-1);
}

/* A uniform double in [0, 1) from the system's random bytes. */
static double
jitter(void)
{
	uint64_t	 u;

	random_bytes(&u, sizeof(u));
	return ((double)(u >> 11) * (1.0 / 9007199254740992.0));
}

static void
sleep_ms(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1)
		;
}

/* Finishes a failed call's message: attempts made, secrets out. */
static int
call_fail(struct call *c, struct err *e, int attempts)
{
	size_t	 n;

	if (e == NULL)
		return (-1);
	if (attempts > 1 && (n = strlen(e->msg)) + 32 < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, "; gave up after %d "
		    "attempts", attempts);
	scrub(e->msg, sizeof(e->msg), c->secrets, CALL_MAX_SECRETS);
	return (-1);
}

int
call_perform(struct awsclient *cl, struct call *c, struct err *e)
{
	struct aws_creds	 cr;
	struct endpoint		 ep;
	struct signing		 sg;
	struct http_req		 req;
	struct hdrs		 h;
	struct buf		 path;
	struct err		 last;
	enum retry_kind		 kind;
	char			 host[300], sig[65], action[160], invocation[37];
	char			 sdkreq[64];
	unsigned char		 rnd[16];
	void			*curl;
	int64_t			 t0;
	size_t			 i;
	long			 delay;
	int			 attempt, rc, cost = 0, spent = 0;

	memset(&cr, 0, sizeof(cr));
	sig[0] = '\0';
	iam_action(c, action, sizeof(action));
	if (c->ep != NULL)
		ep = *c->ep;
	else if (client_endpoint(cl, c->svc, NULL, &ep, e) == -1)
		return (-1);
	endpoint_host_header(&ep, host, sizeof(host));
	buf_init(&path, 0);
	buf_printf(&path, "%s%s", ep.base_path, c->path);
	random_bytes(rnd, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), invocation);
	call_secret(c, cr.secret);
	call_secret(c, cr.token);
	call_secret(c, sig);
	err_clear(&last);

	for (attempt = 1;; attempt++) {
		c->attempts = attempt;
		if (!c->unsigned_call) {
			if (c->creds != NULL)
				cr = *c->creds;
			else if (creds_get(cl, cl->creds, &cr, e) == -1) {
				rc = -1;
				break;
			}
		}
		hdrs_init(&h);
		hdrs_add(&h, "Host", host);
		hdrs_add(&h, "User-Agent", USER_AGENT);
		hdrs_add(&h, "amz-sdk-invocation-id", invocation);
		snprintf(sdkreq, sizeof(sdkreq), "attempt=%d; max=%d", attempt,
		    cl->set.max_attempts);
		hdrs_add(&h, "amz-sdk-request", sdkreq);
		for (i = 0; i < c->hdrs.n; i++)
			hdrs_add(&h, c->hdrs.h[i].name, c->hdrs.h[i].value);
		if (!c->unsigned_call) {
			sg.creds = &cr;
			sg.region = ep.region;
			sg.service = c->svc->id;
			sg.now_ms = clock_real_ms();
			sg.flags = c->svc->proto == PROTO_REST_XML ?
			    SIGN_S3_PATH | SIGN_BODY_HEADER : 0;
			if (aws_sign(&h, c->method, buf_str(&path), c->query,
			    c->body, c->body_len, &sg, sig, e) == -1) {
				hdrs_release(&h);
				rc = -1;
				break;
			}
		}
		memset(&req, 0, sizeof(req));
		req.method = c->method;
		req.ep = &ep;
		req.path = buf_str(&path);
		req.query = c->query;
		req.hdrs = &h;
		req.body = c->body;
		req.body_len = c->body_len;
		req.connect_timeout_ms = cl->set.connect_timeout_ms;
		req.timeout_ms = c->sink != NULL ? 0 : cl->set.timeout_ms;
		req.stall_ms = cl->set.timeout_ms;
		req.max_body = c->sink != NULL ? ERROR_BODY_MAX : c->max_body;
		req.sink = c->sink;
		req.ca_bundle = cl->set.ca_bundle;
		t0 = clock_real_ms();
		rc = http_perform(curl = http_handle_get(cl), &req, &c->resp, e);
		http_handle_put(cl, curl);
		hdrs_release(&h);
		log_debug("aws: %s %s attempt %d/%d: %s%d in %lld ms", action,
		    host, attempt, cl->set.max_attempts,
		    c->resp.net_error ? "network error, status " : "HTTP ",
		    c->resp.status, (long long)(clock_real_ms() - t0));
		if (rc == -1 && !c->resp.net_error)
			break;		/* a limit, or the sink refused */
		if (rc == -1) {
			kind = RETRY_NETWORK;
			err_set(&last, ERR_INTERNAL, NULL, NULL, "%s: %s %s://%s "
			    "failed: %s", action, c->method, ep.scheme, host,
			    c->resp.net_msg);
			/* Bytes already given to a sink cannot be taken back:
			   the caller resumes from where they stop. */
			if (c->resp.streamed > 0)
				kind = RETRY_NO;
		} else if (c->resp.status >= 200 && c->resp.status < 300) {
			retry_quota_give(&cl->quota, spent);
			rc = 0;
			break;
		} else {
			call_error(c, c->resp.status, buf_str(&c->resp.body),
			    c->resp.body.len, c->resp.error_type, &last);
			kind = retry_classify(c->resp.status, last.aws_type, 0);
		}
		if (kind == RETRY_NO || attempt >= cl->set.max_attempts) {
			rc = -1;
			if (e != NULL)
				*e = last;
			break;
		}
		if (!retry_quota_take(&cl->quota, kind, &cost)) {
			rc = -1;
			if (e != NULL)
				*e = last;
			log_debug("aws: %s: the retry quota is spent", action);
			break;
		}
		spent += cost;
		delay = retry_backoff_ms(attempt, jitter());
		log_debug("aws: %s: retrying in %ld ms (%s)", action, delay,
		    last.aws_type != NULL ? last.aws_type : "network");
		sleep_ms(delay);
	}
	if (rc == -1)
		call_fail(c, e, c->attempts);
	for (i = 0; i < CALL_MAX_SECRETS; i++)
		if (c->secrets[i] == cr.secret || c->secrets[i] == cr.token ||
		    c->secrets[i] == sig)
			c->secrets[i] = NULL;
	OPENSSL_cleanse(&cr, sizeof(cr));
	OPENSSL_cleanse(sig, sizeof(sig));
	buf_release(&path);
	return (rc);
}

/* ---- JSON 1.1 ---- */

int
awsclient_json_call(struct awsclient *cl, const char *service,
    const char *operation, json_t *input, json_t **out, struct err *e)
{
	const struct svc	*known;
	struct svc		 svc;
	struct call		 c;
	struct buf		 body, target;
	json_t			*empty = NULL;
	char			 id[64], up[64], prefix[128];
	const char		*colon;
	size_t			 i;
	int			 rc = -1;

	*out = NULL;
	colon = strchr(service, ':');
	snprintf(id, sizeof(id), "%.*s", colon != NULL ? (int)(colon -
	    service) : (int)strlen(service), service);
	snprintf(prefix, sizeof(prefix), "%s", colon != NULL ? colon + 1 :
	    "");
	if ((known = svc_find(id)) != NULL)
		svc = *known;
	else {
		for (i = 0; id[i] != '\0'; i++)
			up[i] = id[i] >= 'a' && id[i] <= 'z' ?
			    (char)(id[i] - 'a' + 'A') : id[i] == '-' ? '_' :
			    id[i];
		up[i] = '\0';
		memset(&svc, 0, sizeof(svc));
		svc.id = svc.cfg = id;
		svc.env = up;
		svc.proto = PROTO_JSON;
	}
	if (prefix[0] != '\0')
		svc.target = prefix;
	if (svc.proto != PROTO_JSON || svc.target == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s is not a JSON "
		    "1.1 service payerlink knows: name its target prefix as "
		    "%s:Prefix", id, id));
	for (i = 0; operation[i] != '\0'; i++)
		if (!((operation[i] >= 'A' && operation[i] <= 'Z') ||
		    (operation[i] >= 'a' && operation[i] <= 'z') ||
		    (operation[i] >= '0' && operation[i] <= '9')))
			break;
	if (i == 0 || operation[i] != '\0' || i > 64)
		return (err_set(e, ERR_INVALID, NULL, NULL, "'%s' is not an "
		    "operation name", operation));
	if (input == NULL)
		input = empty = json_object();
	buf_init(&body, AWSCLIENT_MAX_REQUEST);
	buf_init(&target, 0);
	if (json_to_buf(input, JSON_COMPACT, &body) == -1) {
		json_decref(empty);
		buf_release(&body);
		return (err_set(e, ERR_LIMIT, NULL, NULL, "%s:%s: the request "
		    "is larger than %d bytes", id, operation,
		    AWSCLIENT_MAX_REQUEST));
	}
	json_decref(empty);
	buf_printf(&target, "%s.%s", svc.target, operation);
	call_init(&c, &svc, operation);
	hdrs_add(&c.hdrs, "Content-Type", "application/x-amz-json-1.1");
	hdrs_add(&c.hdrs, "X-Amz-Target", buf_str(&target));
	c.body = body.ptr != NULL ? body.ptr : "{}";
	c.body_len = body.ptr != NULL ? body.len : 2;
	if (call_perform(cl, &c, e) == -1)
		goto out;
	if (json_decode_object(buf_str(&c.resp.body), c.resp.body.len, 64,
	    out, e) == -1) {
		err_set(e, ERR_INTERNAL, NULL, NULL, "%s:%s: the answer is not "
		    "a JSON object", id, operation);
		goto out;
	}
	rc = 0;
out:
	call_release(&c);
	buf_release(&body);
	buf_release(&target);
	return (rc);
}
