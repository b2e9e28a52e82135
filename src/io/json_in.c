/*
 * Limited JSON parsing; see json_in.h. The depth scan runs first because
 * jansson recurses on nesting, and a body of a million '[' should cost a scan,
 * not a stack.
 */
#include "io/json_in.h"
#include "io/io_int.h"

#include <stdbool.h>

size_t json_nesting_depth(const char *p, size_t n)
{
	size_t depth = 0, max = 0;
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return max;
}

int json_parse_limited(const char *p, size_t n, json_t **out, struct io_error *err)
{
	*out = NULL;
	io_error_clear(err);
	if (n > JSON_MAX_BYTES)
		return io_errorf(err, IO_ETOOBIG, 0, NULL,
				 "json body too large (%zu bytes; the limit is %u)",
				 "JSON 内容过大（%zu 字节，上限 %u）", n, JSON_MAX_BYTES, n,
				 JSON_MAX_BYTES);
	if (json_nesting_depth(p, n) > JSON_MAX_DEPTH)
		return io_errorf(err, IO_ETOOBIG, 0, NULL,
				 "json nested too deeply (more than %d levels)",
				 "JSON 嵌套过深（超过 %d 层）", JSON_MAX_DEPTH, JSON_MAX_DEPTH);
	json_error_t je;
	*out = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
	if (!*out)
		return io_errorf(err, IO_EFORMAT, je.line, NULL, "line %d: invalid json: %s",
				 "第 %d 行：JSON 格式错误：%s", je.line, je.text, je.line, je.text);
	return 0;
}
