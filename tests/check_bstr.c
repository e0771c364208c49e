/* BSTR allocation, layout and lengths (lib/bstr.c; reference §7.2). */
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

static uint32_t prefix(BSTR b)
{
	return ((uint32_t *)(void *)b)[-1];
}

START_TEST(alloc_string)
{
	BSTR b = SysAllocString(u"ab");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(prefix(b), 4);
	ck_assert_uint_eq(b[0], u'a');
	ck_assert_uint_eq(b[2], 0);
	ck_assert_uint_eq((uintptr_t)b % 8, 0);
	SysFreeString(b);

	ck_assert_ptr_null(SysAllocString(NULL));
	b = SysAllocString(u"");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(prefix(b), 0);
	ck_assert_uint_eq(b[0], 0);
	SysFreeString(b);
}
END_TEST

START_TEST(alloc_string_len)
{
	static const OLECHAR with_nuls[] = {u'a', 0, u'b', 0, u'c'};
	BSTR b = SysAllocStringLen(with_nuls, 5);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(SysStringLen(b), 5);
	ck_assert_uint_eq(prefix(b), 10);
	ck_assert_int_eq(memcmp(b, with_nuls, sizeof(with_nuls)), 0);
	ck_assert_uint_eq(b[5], 0);
	SysFreeString(b);

	b = SysAllocStringLen(NULL, 3);
	ck_assert_ptr_nonnull(b);
	for (int i = 0; i <= 3; i++)
		ck_assert_msg(b[i] == 0, "char %d not zeroed", i);
	SysFreeString(b);

	/* Only the first ui characters are taken, even if the source is longer. */
	b = SysAllocStringLen(u"abcdef", 2);
	ck_assert_uint_eq(SysStringLen(b), 2);
	ck_assert_uint_eq(b[2], 0);
	SysFreeString(b);
}
END_TEST

START_TEST(alloc_string_len_huge)
{
	/* byte counts that cannot fit the 32-bit prefix with the header: NULL, not a wrap */
	static const UINT huge[] = {0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu};
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		ck_assert_msg(SysAllocStringLen(NULL, huge[i]) == NULL, "SysAllocStringLen(NULL, %#x) not NULL", huge[i]);
		ck_assert_msg(SysAllocStringLen(u"x", huge[i]) == NULL, "SysAllocStringLen(\"x\", %#x) not NULL", huge[i]);
	}
}
END_TEST

START_TEST(alloc_string_byte_len_huge)
{
	static const UINT huge[] = {0xFFFFFFF6u, 0xFFFFFFFCu, 0xFFFFFFFEu, 0xFFFFFFFFu};
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		ck_assert_msg(SysAllocStringByteLen(NULL, huge[i]) == NULL, "SysAllocStringByteLen(NULL, %#x) not NULL",
			      huge[i]);
}
END_TEST

START_TEST(alloc_string_len_empty)
{
	BSTR b = SysAllocStringLen(NULL, 0);
	ck_assert_ptr_nonnull(b); /* an empty BSTR, unlike a NULL one, is allocated */
	ck_assert_uint_eq(prefix(b), 0);
	ck_assert_uint_eq(b[0], 0);
	SysFreeString(b);
	b = SysAllocStringLen(u"ignored", 0);
	ck_assert_uint_eq(prefix(b), 0);
	ck_assert_uint_eq(b[0], 0);
	SysFreeString(b);
}
END_TEST

START_TEST(alloc_string_byte_len)
{
	BSTR b = SysAllocStringByteLen("abc", 3);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(prefix(b), 3);
	ck_assert_uint_eq(SysStringByteLen(b), 3);
	ck_assert_uint_eq(SysStringLen(b), 1);
	const unsigned char *bytes = (const unsigned char *)b;
	ck_assert_int_eq(memcmp(bytes, "abc", 3), 0);
	ck_assert_msg(bytes[3] == 0 && bytes[4] == 0, "odd-length BSTR lacks two zero bytes after its data");
	SysFreeString(b);

	static const char binary[] = {0x30, 0x00, 0x05, 0x00};
	b = SysAllocStringByteLen(binary, 4);
	ck_assert_uint_eq(SysStringByteLen(b), 4);
	ck_assert_int_eq(memcmp(b, binary, 4), 0);
	SysFreeString(b);

	b = SysAllocStringByteLen(NULL, 5);
	for (int i = 0; i < 7; i++)
		ck_assert_msg(((unsigned char *)b)[i] == 0, "byte %d not zeroed", i);
	SysFreeString(b);

	b = SysAllocStringByteLen("", 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(SysStringByteLen(b), 0);
	SysFreeString(b);
}
END_TEST

START_TEST(alloc_string_byte_len_odd)
{
	/* every odd length up to 9: 8-aligned, exact prefix, two zero bytes after the data */
	static const char src[] = "123456789";
	for (UINT n = 1; n <= 9; n += 2) {
		BSTR b = SysAllocStringByteLen(src, n);
		const unsigned char *bytes = (const unsigned char *)b;
		ck_assert_msg(b != NULL, "n=%u", n);
		ck_assert_msg((uintptr_t)b % 8 == 0, "n=%u: BSTR not 8-aligned", n);
		ck_assert_msg(prefix(b) == n, "n=%u: prefix %u", n, prefix(b));
		ck_assert_msg(SysStringLen(b) == n / 2, "n=%u: SysStringLen %u", n, SysStringLen(b));
		ck_assert_msg(memcmp(b, src, n) == 0, "n=%u: data", n);
		ck_assert_msg(bytes[n] == 0 && bytes[n + 1] == 0, "n=%u: no two zero bytes after the data", n);
		SysFreeString(b);
	}
}
END_TEST

START_TEST(alloc_string_byte_len_reports_bytes)
{
	xb_alloc_set_tracking(1);
	BSTR b = SysAllocStringByteLen("abc", 3);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	ck_assert_int_eq(st.live_bytes, 3); /* payload bytes: neither prefix nor terminator */
	SysFreeString(b);
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_int_eq(st.live_bytes, 0);
	ck_assert_int_eq(st.live, 0);
}
END_TEST

START_TEST(realloc_string)
{
	BSTR b = SysAllocString(u"first");
	ck_assert(SysReAllocString(&b, u"second value"));
	ck_assert_uint_eq(SysStringLen(b), 12);
	ck_assert_int_eq(memcmp(b, u"second value", 13 * sizeof(OLECHAR)), 0);
	/* aliasing: the new value is a suffix of the old one */
	ck_assert(SysReAllocString(&b, b + 7));
	ck_assert_uint_eq(SysStringLen(b), 5);
	ck_assert_int_eq(memcmp(b, u"value", 6 * sizeof(OLECHAR)), 0);
	ck_assert(SysReAllocString(&b, NULL));
	ck_assert_ptr_null(b);
	ck_assert(!SysReAllocString(NULL, u"x"));
	BSTR nul = NULL;
	ck_assert(SysReAllocString(&nul, u"x"));
	ck_assert_uint_eq(SysStringLen(nul), 1);
	SysFreeString(nul);
}
END_TEST

START_TEST(realloc_string_len)
{
	BSTR b = SysAllocString(u"abcdef");
	ck_assert(SysReAllocStringLen(&b, b + 2, 3));
	ck_assert_uint_eq(SysStringLen(b), 3);
	ck_assert_int_eq(memcmp(b, u"cde", 4 * sizeof(OLECHAR)), 0);
	/* NULL source: the old characters stay (as oleaut32's in-place realloc), growth is zeroed */
	ck_assert(SysReAllocStringLen(&b, NULL, 5));
	ck_assert_uint_eq(SysStringLen(b), 5);
	ck_assert_int_eq(memcmp(b, u"cde\0\0", 6 * sizeof(OLECHAR)), 0);
	ck_assert(SysReAllocStringLen(&b, NULL, 2));
	ck_assert_uint_eq(prefix(b), 4);
	ck_assert_int_eq(memcmp(b, u"cd", 3 * sizeof(OLECHAR)), 0);
	BSTR before = b;
	ck_assert(!SysReAllocStringLen(&b, NULL, 0xFFFFFFFFu));
	ck_assert(!SysReAllocStringLen(&b, u"x", 0x7FFFFFFFu));
	ck_assert_ptr_eq(b, before); /* unchanged on failure */
	ck_assert_uint_eq(SysStringLen(b), 2);
	SysFreeString(b);
	ck_assert(!SysReAllocStringLen(NULL, u"x", 1));
}
END_TEST

START_TEST(realloc_string_len_from_null)
{
	BSTR b = NULL;
	ck_assert(SysReAllocStringLen(&b, u"xyz", 2));
	ck_assert_uint_eq(prefix(b), 4);
	ck_assert_int_eq(memcmp(b, u"xy", 3 * sizeof(OLECHAR)), 0);
	SysFreeString(b);
	b = NULL;
	ck_assert(SysReAllocStringLen(&b, NULL, 0));
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(prefix(b), 0);
	SysFreeString(b);
}
END_TEST

START_TEST(realloc_string_len_whole_alias)
{
	/* the new value is the whole old string, and then a prefix of it */
	BSTR b = SysAllocString(u"same");
	ck_assert(SysReAllocStringLen(&b, b, 4));
	ck_assert_int_eq(memcmp(b, u"same", 5 * sizeof(OLECHAR)), 0);
	ck_assert(SysReAllocStringLen(&b, b, 2));
	ck_assert_uint_eq(prefix(b), 4);
	ck_assert_int_eq(memcmp(b, u"sa", 3 * sizeof(OLECHAR)), 0);
	SysFreeString(b);
}
END_TEST

START_TEST(free_string)
{
	SysFreeString(NULL);
	xb_alloc_set_tracking(1);
	SysFreeString(SysAllocString(u"x"));
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_uint_eq(st.allocs, 1);
	ck_assert_uint_eq(st.frees, 1);
	ck_assert_int_eq(st.live, 0);
}
END_TEST

START_TEST(string_len)
{
	ck_assert_uint_eq(SysStringLen(NULL), 0);
	BSTR b = SysAllocStringByteLen("abcde", 5);
	ck_assert_uint_eq(SysStringLen(b), 2);
	SysFreeString(b);
}
END_TEST

START_TEST(string_byte_len)
{
	ck_assert_uint_eq(SysStringByteLen(NULL), 0);
	BSTR b = SysAllocString(u"\U0001F600");
	ck_assert_uint_eq(SysStringByteLen(b), 4); /* a surrogate pair: two code units */
	SysFreeString(b);
}
END_TEST

Suite *suite_bstr(void)
{
	Suite *s = suite_create("bstr");
	TCase *tc = tcase_create("SysAllocString");
	tcase_add_test(tc, alloc_string);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysAllocStringLen");
	tcase_add_test(tc, alloc_string_len);
	tcase_add_test(tc, alloc_string_len_huge);
	tcase_add_test(tc, alloc_string_len_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysAllocStringByteLen");
	tcase_add_test(tc, alloc_string_byte_len);
	tcase_add_test(tc, alloc_string_byte_len_huge);
	tcase_add_test(tc, alloc_string_byte_len_odd);
	tcase_add_test(tc, alloc_string_byte_len_reports_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysReAllocString");
	tcase_add_test(tc, realloc_string);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysReAllocStringLen");
	tcase_add_test(tc, realloc_string_len);
	tcase_add_test(tc, realloc_string_len_from_null);
	tcase_add_test(tc, realloc_string_len_whole_alias);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysFreeString");
	tcase_add_test(tc, free_string);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysStringLen");
	tcase_add_test(tc, string_len);
	suite_add_tcase(s, tc);
	tc = tcase_create("SysStringByteLen");
	tcase_add_test(tc, string_byte_len);
	suite_add_tcase(s, tc);
	return s;
}
