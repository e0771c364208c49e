/*
 * Tests of UTF-8 <-> UTF-16 conversion. Expected encodings are written out
 * by hand from the Unicode tables, not produced by the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"
#include "check_suites.h"

#define NO_TRANSLATION HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)

/* Bytes as "c3 a9" for failure messages. */
static const char *hex(const char *s, size_t n)
{
	static char buf[256];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 4 < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%02x", i ? " " : "",
				      (unsigned char)s[i]);
	return buf;
}

static const char *hex16(const OLECHAR *s, size_t n)
{
	static char buf[256];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 6 < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%04x", i ? " " : "", (unsigned)s[i]);
	return buf;
}

/* Valid pairs: a scalar value's UTF-8 and UTF-16 encodings (boundaries of each form). */
static const struct {
	const char *utf8;
	size_t len8;
	OLECHAR utf16[3];
	size_t len16;
} pairs[] = {
	{"\x00", 1, {0x0000}, 1},
	{"\x7f", 1, {0x007f}, 1},
	{"\xc2\x80", 2, {0x0080}, 1},
	{"\xc3\xa9", 2, {0x00e9}, 1},
	{"\xdf\xbf", 2, {0x07ff}, 1},
	{"\xe0\xa0\x80", 3, {0x0800}, 1},
	{"\xe2\x82\xac", 3, {0x20ac}, 1},
	{"\xed\x9f\xbf", 3, {0xd7ff}, 1},
	{"\xee\x80\x80", 3, {0xe000}, 1},
	{"\xef\xbf\xbd", 3, {0xfffd}, 1},
	{"\xef\xbf\xbf", 3, {0xffff}, 1},
	{"\xf0\x90\x80\x80", 4, {0xd800, 0xdc00}, 2},
	{"\xf0\x9f\x98\x80", 4, {0xd83d, 0xde00}, 2},
	{"\xf4\x8f\xbf\xbf", 4, {0xdbff, 0xdfff}, 2},
};

/* Invalid UTF-8, each class of error, with the offset of the bad sequence. */
static const struct {
	const char *in;
	size_t len;
	size_t offset;
	const char *why;
} bad8[] = {
	{"\x80", 1, 0, "lone continuation byte"},
	{"ab\xbf", 3, 2, "continuation byte after ASCII"},
	{"ok\xc3\xa9\x80", 5, 4, "continuation byte after a complete sequence"},
	{"\xc0\x80", 2, 0, "overlong NUL (C0 80)"},
	{"\xc1\xbf", 2, 0, "overlong 2-byte (C1)"},
	{"x\xe0\x80\xaf", 4, 1, "overlong 3-byte '/'"},
	{"\xe0\x9f\xbf", 3, 0, "overlong 3-byte U+07FF"},
	{"\xf0\x8f\xbf\xbf", 4, 0, "overlong 4-byte U+FFFF"},
	{"ab\xed\xa0\x80", 5, 2, "encoded high surrogate U+D800"},
	{"\xed\xbf\xbf", 3, 0, "encoded low surrogate U+DFFF"},
	{"\xed\xa0\xbd\xed\xb8\x80", 6, 0, "CESU-8 surrogate pair"},
	{"\xf4\x90\x80\x80", 4, 0, "U+110000"},
	{"\xf5\x80\x80\x80", 4, 0, "lead byte F5"},
	{"\xfe", 1, 0, "byte FE"},
	{"a\xff", 2, 1, "byte FF"},
	{"\xc3", 1, 0, "truncated 2-byte at the end"},
	{"abc\xe2\x82", 5, 3, "truncated 3-byte at the end"},
	{"\xf0\x9f\x98", 3, 0, "truncated 4-byte at the end"},
	{"\xc3" "A", 2, 0, "2-byte lead followed by ASCII"},
	{"\xe2\x28\xa1", 3, 0, "bad second byte of 3"},
	{"a\xe2\x82\x28", 4, 1, "bad third byte of 3"},
	{"\xf0\x9f\x98\xc3\xa9", 5, 0, "bad fourth byte of 4"},
	{"\xc3\xa9", 1, 0, "explicit length cuts a sequence"},
};

/* Invalid UTF-16 with the index of the lone surrogate. */
static const struct {
	OLECHAR in[4];
	size_t len;
	size_t index;
	const char *why;
} bad16[] = {
	{{0xd800}, 1, 0, "lone high surrogate"},
	{{'a', 0xd83d}, 2, 1, "high surrogate at the end"},
	{{0xd83d, 'x'}, 2, 0, "high surrogate before ASCII"},
	{{0xd83d, 0xd83d, 0xde00}, 3, 0, "two high surrogates"},
	{{'a', 'b', 0xde00}, 3, 2, "lone low surrogate"},
	{{0xde00, 0xd83d}, 2, 0, "pair in the wrong order"},
	{{0xd83d, 0xde00, 0xdfff}, 3, 2, "low surrogate after a pair"},
	{{0xd83d, 0xde00}, 1, 0, "explicit length cuts a pair"},
};

/* ---- xb_utf8_to_utf16 --------------------------------------------------- */

START_TEST(test_utf8_to_utf16_pairs)
{
	OLECHAR *out = NULL;
	size_t len = 99;
	HRESULT hr = xb_utf8_to_utf16(pairs[_i].utf8, pairs[_i].len8, &out, &len, NULL);

	ck_assert_msg(hr == S_OK, "[%s]: hr 0x%08x", hex(pairs[_i].utf8, pairs[_i].len8), (unsigned)hr);
	ck_assert_msg(len == pairs[_i].len16 && !memcmp(out, pairs[_i].utf16, len * sizeof(OLECHAR)),
		      "[%s] gave [%s]", hex(pairs[_i].utf8, pairs[_i].len8), hex16(out, len));
	ck_assert_msg(out[len] == 0, "[%s]: not NUL terminated", hex(pairs[_i].utf8, pairs[_i].len8));
	free(out);
}
END_TEST

START_TEST(test_utf8_to_utf16_mixed)
{
	static const OLECHAR want[] = {'h', 0xe9, 0x20ac, 0xd83d, 0xde00, '!', 0};
	OLECHAR *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(xb_utf8_to_utf16("h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80!", XB_NUL_TERMINATED,
					  &out, &len, NULL),
			 S_OK);
	ck_assert_msg(len == 6 && !memcmp(out, want, sizeof(want)), "got [%s]", hex16(out, len + 1));
	free(out);

	/* u"" literals are UTF-16 by definition: an independent expectation. */
	ck_assert_int_eq(xb_utf8_to_utf16("Gr\xc3\xbc\xc3\x9f dich \xf0\x9f\x98\x80", XB_NUL_TERMINATED,
					  &out, NULL, NULL),
			 S_OK);
	ck_assert_msg(!memcmp(out, u"Grüß dich 😀", sizeof(u"Grüß dich 😀")), "got [%s]",
		      hex16(out, 13));
	free(out);
}
END_TEST

START_TEST(test_utf8_to_utf16_embedded_nul)
{
	static const OLECHAR want[] = {'a', 0, 'b', 0};
	OLECHAR *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(xb_utf8_to_utf16("a\0b", 3, &out, &len, NULL), S_OK);
	ck_assert_msg(len == 3 && !memcmp(out, want, sizeof(want)), "got [%s]", hex16(out, 4));
	free(out);
	/* NUL-terminated stops at the first NUL. */
	ck_assert_int_eq(xb_utf8_to_utf16("a\0b", XB_NUL_TERMINATED, &out, &len, NULL), S_OK);
	ck_assert_msg(len == 1 && out[0] == 'a' && out[1] == 0, "got [%s]", hex16(out, 2));
	free(out);
}
END_TEST

START_TEST(test_utf8_to_utf16_empty_and_null)
{
	OLECHAR *out = NULL;
	size_t len = 99;

	ck_assert_int_eq(xb_utf8_to_utf16("", XB_NUL_TERMINATED, &out, &len, NULL), S_OK);
	ck_assert_msg(out && out[0] == 0 && len == 0, "empty string");
	free(out);
	len = 99;
	ck_assert_int_eq(xb_utf8_to_utf16(NULL, 0, &out, &len, NULL), S_OK);
	ck_assert_msg(out && out[0] == 0 && len == 0, "NULL with length 0");
	free(out);
	ck_assert_int_eq(xb_utf8_to_utf16("abc", 0, &out, &len, NULL), S_OK);
	ck_assert_msg(out && out[0] == 0 && len == 0, "length 0");
	free(out);
	out = (OLECHAR *)1;
	ck_assert_int_eq(xb_utf8_to_utf16(NULL, 3, &out, NULL, NULL), E_POINTER);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(xb_utf8_to_utf16("abc", 3, NULL, NULL, NULL), E_POINTER);
}
END_TEST

START_TEST(test_utf8_to_utf16_invalid)
{
	OLECHAR *out = (OLECHAR *)1;
	size_t off = 99, len = 77;
	HRESULT hr = xb_utf8_to_utf16(bad8[_i].in, bad8[_i].len, &out, &len, &off);

	ck_assert_msg(hr == NO_TRANSLATION, "%s [%s]: hr 0x%08x", bad8[_i].why,
		      hex(bad8[_i].in, bad8[_i].len), (unsigned)hr);
	ck_assert_msg(off == bad8[_i].offset, "%s [%s]: offset %zu, want %zu", bad8[_i].why,
		      hex(bad8[_i].in, bad8[_i].len), off, bad8[_i].offset);
	ck_assert_msg(out == NULL, "%s: *out not NULL on failure", bad8[_i].why);
	ck_assert_msg(len == 77, "%s: *out_len written on failure", bad8[_i].why);
	/* The offset is optional. */
	ck_assert_int_eq(xb_utf8_to_utf16(bad8[_i].in, bad8[_i].len, &out, NULL, NULL), NO_TRANSLATION);
}
END_TEST

/* ---- xb_utf16_to_utf8 --------------------------------------------------- */

START_TEST(test_utf16_to_utf8_pairs)
{
	char *out = NULL;
	size_t len = 99;
	HRESULT hr = xb_utf16_to_utf8(pairs[_i].utf16, pairs[_i].len16, &out, &len, NULL);

	ck_assert_msg(hr == S_OK, "[%s]: hr 0x%08x", hex16(pairs[_i].utf16, pairs[_i].len16),
		      (unsigned)hr);
	ck_assert_msg(len == pairs[_i].len8 && !memcmp(out, pairs[_i].utf8, len),
		      "[%s] gave [%s]", hex16(pairs[_i].utf16, pairs[_i].len16), hex(out, len));
	ck_assert_msg(out[len] == 0, "[%s]: not NUL terminated", hex16(pairs[_i].utf16, pairs[_i].len16));
	free(out);
}
END_TEST

START_TEST(test_utf16_to_utf8_mixed)
{
	static const char want[] = "Gr\xc3\xbc\xc3\x9f dich \xf0\x9f\x98\x80";
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(xb_utf16_to_utf8(u"Grüß dich 😀", XB_NUL_TERMINATED, &out, &len, NULL), S_OK);
	ck_assert_msg(len == sizeof(want) - 1 && !strcmp(out, want), "got [%s]", hex(out, len));
	free(out);
}
END_TEST

START_TEST(test_utf16_to_utf8_embedded_nul)
{
	static const OLECHAR in[] = {'a', 0, 0xe9};
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(xb_utf16_to_utf8(in, 3, &out, &len, NULL), S_OK);
	ck_assert_msg(len == 4 && !memcmp(out, "a\0\xc3\xa9", 5), "got [%s]", hex(out, 5));
	free(out);
	ck_assert_int_eq(xb_utf16_to_utf8(in, XB_NUL_TERMINATED, &out, &len, NULL), S_OK);
	ck_assert_msg(len == 1 && !strcmp(out, "a"), "got [%s]", hex(out, 2));
	free(out);
}
END_TEST

START_TEST(test_utf16_to_utf8_empty_and_null)
{
	char *out = NULL;
	size_t len = 99;

	ck_assert_int_eq(xb_utf16_to_utf8(NULL, 0, &out, &len, NULL), S_OK);
	ck_assert_msg(out && !strcmp(out, "") && len == 0, "NULL with length 0");
	free(out);
	ck_assert_int_eq(xb_utf16_to_utf8(u"", XB_NUL_TERMINATED, &out, &len, NULL), S_OK);
	ck_assert_msg(out && !strcmp(out, "") && len == 0, "empty string");
	free(out);
	ck_assert_int_eq(xb_utf16_to_utf8(NULL, 2, &out, NULL, NULL), E_POINTER);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(xb_utf16_to_utf8(u"ab", 2, NULL, NULL, NULL), E_POINTER);
}
END_TEST

START_TEST(test_utf16_to_utf8_invalid)
{
	char *out = (char *)1;
	size_t idx = 99;
	HRESULT hr = xb_utf16_to_utf8(bad16[_i].in, bad16[_i].len, &out, NULL, &idx);

	ck_assert_msg(hr == NO_TRANSLATION, "%s [%s]: hr 0x%08x", bad16[_i].why,
		      hex16(bad16[_i].in, bad16[_i].len), (unsigned)hr);
	ck_assert_msg(idx == bad16[_i].index, "%s [%s]: index %zu, want %zu", bad16[_i].why,
		      hex16(bad16[_i].in, bad16[_i].len), idx, bad16[_i].index);
	ck_assert_msg(out == NULL, "%s: *out not NULL on failure", bad16[_i].why);
}
END_TEST

START_TEST(test_round_trip_all_planes)
{
	/* Every 61st scalar value in both directions, surrogates excluded. */
	for (uint32_t cp = 0; cp <= 0x10ffff; cp += 61) {
		OLECHAR u16[3];
		size_t n16 = 0, len8 = 0, len16 = 0;
		char *u8 = NULL;
		OLECHAR *back = NULL;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		if (cp >= 0x10000) {
			u16[n16++] = (OLECHAR)(0xd800 + ((cp - 0x10000) >> 10));
			u16[n16++] = (OLECHAR)(0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else {
			u16[n16++] = (OLECHAR)cp;
		}
		ck_assert_msg(xb_utf16_to_utf8(u16, n16, &u8, &len8, NULL) == S_OK, "U+%04X", cp);
		ck_assert_msg(len8 == (cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u),
			      "U+%04X: %zu bytes", cp, len8);
		ck_assert_msg(xb_utf8_to_utf16(u8, len8, &back, &len16, NULL) == S_OK, "U+%04X back", cp);
		ck_assert_msg(len16 == n16 && !memcmp(back, u16, n16 * sizeof(OLECHAR)), "U+%04X: [%s]",
			      cp, hex16(back, len16));
		free(u8);
		free(back);
	}
}
END_TEST

/* ---- xb_bstr_from_utf8 / xb_utf8_from_bstr ------------------------------ */

START_TEST(test_bstr_from_utf8_normal)
{
	BSTR b = NULL;

	ck_assert_int_eq(xb_bstr_from_utf8("h\xc3\xa9\xf0\x9f\x98\x80", XB_NUL_TERMINATED, &b, NULL), S_OK);
	ck_assert_uint_eq(SysStringLen(b), 4);
	ck_assert_uint_eq(SysStringByteLen(b), 8);
	ck_assert_msg(!memcmp(b, u"hé😀", sizeof(u"hé😀")), "got [%s]", hex16(b, 5));
	SysFreeString(b);
}
END_TEST

START_TEST(test_bstr_from_utf8_embedded_nul)
{
	BSTR b = NULL;

	ck_assert_int_eq(xb_bstr_from_utf8("x\0y", 3, &b, NULL), S_OK);
	ck_assert_uint_eq(SysStringLen(b), 3);
	ck_assert_msg(b[0] == 'x' && b[1] == 0 && b[2] == 'y' && b[3] == 0, "got [%s]", hex16(b, 4));
	SysFreeString(b);
}
END_TEST

START_TEST(test_bstr_from_utf8_empty)
{
	BSTR b = NULL;

	/* An empty BSTR, not a NULL one. */
	ck_assert_int_eq(xb_bstr_from_utf8(NULL, 0, &b, NULL), S_OK);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(SysStringLen(b), 0);
	SysFreeString(b);
	ck_assert_int_eq(xb_bstr_from_utf8("", XB_NUL_TERMINATED, &b, NULL), S_OK);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(SysStringLen(b), 0);
	SysFreeString(b);
}
END_TEST

START_TEST(test_bstr_from_utf8_failure)
{
	BSTR b = (BSTR)1;
	size_t off = 99;

	ck_assert_int_eq(xb_bstr_from_utf8("abc\xed\xa0\x80", 6, &b, &off), NO_TRANSLATION);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(off, 3);
	ck_assert_int_eq(xb_bstr_from_utf8("abc", 3, NULL, NULL), E_POINTER);
	ck_assert_int_eq(xb_bstr_from_utf8(NULL, 1, &b, NULL), E_POINTER);
}
END_TEST

START_TEST(test_utf8_from_bstr_normal)
{
	BSTR b = SysAllocString(u"Grüß 😀");
	char *s = NULL;

	ck_assert_int_eq(xb_utf8_from_bstr(b, &s, NULL), S_OK);
	ck_assert_str_eq(s, "Gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80");
	free(s);
	SysFreeString(b);
}
END_TEST

START_TEST(test_utf8_from_bstr_length_not_nul)
{
	/* SysStringLen counts, not the first NUL. */
	BSTR b = SysAllocStringLen(u"a\0b", 3);
	char *s = NULL;

	ck_assert_int_eq(xb_utf8_from_bstr(b, &s, NULL), S_OK);
	ck_assert_msg(!memcmp(s, "a\0b", 4), "got [%s]", hex(s, 4));
	free(s);
	SysFreeString(b);
}
END_TEST

START_TEST(test_utf8_from_bstr_null_and_bad)
{
	static const OLECHAR bad[] = {'o', 'k', 0xdc00};
	BSTR b = SysAllocStringLen(bad, 3);
	char *s = NULL;
	size_t idx = 99;

	ck_assert_int_eq(xb_utf8_from_bstr(NULL, &s, NULL), S_OK);
	ck_assert_str_eq(s, "");
	free(s);
	s = (char *)1;
	ck_assert_int_eq(xb_utf8_from_bstr(b, &s, &idx), NO_TRANSLATION);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(idx, 2);
	ck_assert_int_eq(xb_utf8_from_bstr(b, NULL, NULL), E_POINTER);
	SysFreeString(b);
}
END_TEST

/* ---- xb_utf16_len ------------------------------------------------------- */

START_TEST(test_utf16_len)
{
	ck_assert_uint_eq(xb_utf16_len(NULL), 0);
	ck_assert_uint_eq(xb_utf16_len(u""), 0);
	ck_assert_uint_eq(xb_utf16_len(u"abc"), 3);
	ck_assert_uint_eq(xb_utf16_len(u"é€"), 2);
	ck_assert_uint_eq(xb_utf16_len(u"😀"), 2);
	ck_assert_uint_eq(xb_utf16_len(u"ab\0cd"), 2);
}
END_TEST

/* ---- xb_utf16_icmp / xb_utf16_nicmp ------------------------------------- */

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static const struct {
	const OLECHAR *a, *b;
	int want;
	const char *what;
} icmp_cases[] = {
	{u"Subject.CommonName", u"subject.commonname", 0, "ASCII case ignored"},
	{u"REQUESTID", u"RequestId", 0, "ASCII case ignored"},
	{u"", u"", 0, "both empty"},
	{NULL, u"", 0, "NULL is empty"},
	{NULL, NULL, 0, "both NULL"},
	{u"a", NULL, 1, "non-empty > NULL"},
	{u"abc", u"abd", -1, "last letter"},
	{u"ABD", u"abc", 1, "last letter, case ignored"},
	{u"ab", u"abc", -1, "prefix is smaller"},
	{u"abc", u"AB", 1, "longer is larger"},
	{u"é", u"É", 1, "non-ASCII letters are not folded (U+00E9 > U+00C9)"},
	{u"_", u"A", -1, "letters fold to lowercase before comparing ('_' < 'a')"},
	{u"[", u"a", -1, "'[' < 'a' after folding"},
	{u"😀", u"a", 1, "surrogates compare as code units"},
};

START_TEST(test_utf16_icmp)
{
	int got = xb_utf16_icmp(icmp_cases[_i].a, icmp_cases[_i].b);

	ck_assert_msg(sign(got) == icmp_cases[_i].want, "%s: got %d, want %d", icmp_cases[_i].what,
		      got, icmp_cases[_i].want);
	/* Antisymmetric. */
	ck_assert_msg(sign(xb_utf16_icmp(icmp_cases[_i].b, icmp_cases[_i].a)) == -icmp_cases[_i].want,
		      "%s: reversed", icmp_cases[_i].what);
}
END_TEST

START_TEST(test_utf16_nicmp)
{
	ck_assert_int_eq(xb_utf16_nicmp(u"abcX", u"ABCy", 0), 0);
	ck_assert_int_eq(xb_utf16_nicmp(u"abcX", u"ABCy", 3), 0);
	ck_assert_int_lt(xb_utf16_nicmp(u"abcX", u"ABCy", 4), 0);
	ck_assert_int_gt(xb_utf16_nicmp(u"abcZ", u"ABCy", 4), 0);
	/* Stops at a NUL before n. */
	ck_assert_int_eq(xb_utf16_nicmp(u"ab", u"AB", 10), 0);
	ck_assert_int_lt(xb_utf16_nicmp(u"ab", u"ABc", 10), 0);
	ck_assert_int_eq(xb_utf16_nicmp(u"ab", u"ABc", 2), 0);
	ck_assert_int_eq(xb_utf16_nicmp(NULL, u"x", 0), 0);
	ck_assert_int_lt(xb_utf16_nicmp(NULL, u"x", 1), 0);
}
END_TEST

Suite *suite_utf(void)
{
	Suite *s = suite_create("utf");
	TCase *tc;

	tc = tcase_create("xb_utf8_to_utf16");
	tcase_add_loop_test(tc, test_utf8_to_utf16_pairs, 0, (int)(sizeof(pairs) / sizeof(pairs[0])));
	tcase_add_test(tc, test_utf8_to_utf16_mixed);
	tcase_add_test(tc, test_utf8_to_utf16_embedded_nul);
	tcase_add_test(tc, test_utf8_to_utf16_empty_and_null);
	tcase_add_loop_test(tc, test_utf8_to_utf16_invalid, 0, (int)(sizeof(bad8) / sizeof(bad8[0])));
	tcase_add_test(tc, test_round_trip_all_planes);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_utf16_to_utf8");
	tcase_add_loop_test(tc, test_utf16_to_utf8_pairs, 0, (int)(sizeof(pairs) / sizeof(pairs[0])));
	tcase_add_test(tc, test_utf16_to_utf8_mixed);
	tcase_add_test(tc, test_utf16_to_utf8_embedded_nul);
	tcase_add_test(tc, test_utf16_to_utf8_empty_and_null);
	tcase_add_loop_test(tc, test_utf16_to_utf8_invalid, 0, (int)(sizeof(bad16) / sizeof(bad16[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_bstr_from_utf8");
	tcase_add_test(tc, test_bstr_from_utf8_normal);
	tcase_add_test(tc, test_bstr_from_utf8_embedded_nul);
	tcase_add_test(tc, test_bstr_from_utf8_empty);
	tcase_add_test(tc, test_bstr_from_utf8_failure);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_utf8_from_bstr");
	tcase_add_test(tc, test_utf8_from_bstr_normal);
	tcase_add_test(tc, test_utf8_from_bstr_length_not_nul);
	tcase_add_test(tc, test_utf8_from_bstr_null_and_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_utf16_len");
	tcase_add_test(tc, test_utf16_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_utf16_icmp");
	tcase_add_loop_test(tc, test_utf16_icmp, 0, (int)(sizeof(icmp_cases) / sizeof(icmp_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_utf16_nicmp");
	tcase_add_test(tc, test_utf16_nicmp);
	suite_add_tcase(s, tc);

	return s;
}
