/*
 * Shared helpers of the service layer: filling struct app_err, mapping store
 * errors to HTTP-style statuses, and short random codes for receipts and lots.
 */
#include "app/app.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int app_fail(struct app_err *err, int status, const char *code, const char *field,
	     const char *zh, const char *en_fmt, ...)
{
	va_list ap;
	err->status = status;
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	err->row = 0;
	snprintf(err->message_zh, sizeof(err->message_zh), "%s", zh);
	va_start(ap, en_fmt);
	vsnprintf(err->message_en, sizeof(err->message_en), en_fmt, ap);
	va_end(ap);
	return -1;
}

int app_store_fail(struct app_err *err, struct store *db, int rc)
{
	switch (rc) {
	case STORE_ECONSTRAINT:
		return app_fail(err, 409, "conflict", NULL, "数据冲突（重复或违反约束）",
				"conflict with existing data: %.180s", store_errmsg(db));
	case STORE_EBUSY:
	case STORE_EIO:
		return app_fail(err, 503, "unavailable", NULL, "存储暂时不可用，请稍后重试",
				"storage unavailable, retry: %.180s", store_errmsg(db));
	default:
		return app_fail(err, 500, "internal", NULL, "内部错误",
				"internal error: %.180s", store_errmsg(db));
	}
}

void app_new_code(const char *prefix, char *out, size_t outsz)
{
	/* Crockford base32 without I, L, O, U: easy to read aloud and type */
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char raw[10];
	char body[11];
	randombytes_buf(raw, sizeof(raw));
	for (int i = 0; i < 10; i++)
		body[i] = alphabet[raw[i] & 31];
	body[10] = '\0';
	snprintf(out, outsz, "%s%s", prefix, body);
}
