/* Allocation accounting hooks and counters (lib/alloc.c). */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

struct record {
	int allocs, frees;
	xb_alloc_kind last_kind;
	const void *last_block;
	size_t last_bytes;
	const char *last_tag;
};

static void on_alloc(void *ctx, xb_alloc_kind kind, const void *block, size_t bytes, const char *tag)
{
	struct record *r = ctx;
	r->allocs++;
	r->last_kind = kind;
	r->last_block = block;
	r->last_bytes = bytes;
	r->last_tag = tag;
}

static void on_free(void *ctx, xb_alloc_kind kind, const void *block, const char *tag)
{
	struct record *r = ctx;
	r->frees++;
	r->last_kind = kind;
	r->last_block = block;
	r->last_tag = tag;
}

START_TEST(set_hooks)
{
	struct record r = {0};
	xb_alloc_hooks h = {on_alloc, on_free, &r};
	xb_alloc_set_hooks(&h);
	xb_alloc_set_tag("GetCertificateProperty(SerialNumber)");
	BSTR b = SysAllocString(u"abc");
	ck_assert_int_eq(r.allocs, 1);
	ck_assert_int_eq(r.last_kind, XB_ALLOC_BSTR);
	ck_assert_ptr_eq(r.last_block, b);
	ck_assert_uint_eq(r.last_bytes, 6);
	ck_assert_str_eq(r.last_tag, "GetCertificateProperty(SerialNumber)");
	SysFreeString(b);
	ck_assert_int_eq(r.frees, 1);
	ck_assert_ptr_eq(r.last_block, b);

	void *p = CoTaskMemAlloc(10);
	ck_assert_int_eq(r.last_kind, XB_ALLOC_TASKMEM);
	ck_assert_ptr_eq(r.last_block, p);
	ck_assert_uint_eq(r.last_bytes, 10);
	CoTaskMemFree(p);
	ck_assert_int_eq(r.frees, 2);

	/* removed: no more calls */
	xb_alloc_set_hooks(NULL);
	xb_alloc_set_tag(NULL);
	SysFreeString(SysAllocString(u"x"));
	ck_assert_int_eq(r.allocs, 2);
	ck_assert_int_eq(r.frees, 2);
}
END_TEST

START_TEST(set_tracking)
{
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	ck_assert_uint_eq(st.allocs, 0);

	xb_alloc_set_tracking(1);
	BSTR a = SysAllocStringByteLen("abc", 3);
	BSTR b = SysAllocString(u"hello");
	void *m = CoTaskMemAlloc(100);
	SysFreeString(a);
	xb_alloc_get_stats(&st);
	ck_assert_uint_eq(st.allocs, 3);
	ck_assert_uint_eq(st.frees, 1);
	ck_assert_int_eq(st.live, 2);
	ck_assert_int_eq(st.live_bytes, 10 + 100);
	m = CoTaskMemRealloc(m, 50);
	xb_alloc_get_stats(&st);
	ck_assert_int_eq(st.live, 2);
	ck_assert_int_eq(st.live_bytes, 10 + 50);
	SysFreeString(b);
	CoTaskMemFree(m);
	SysFreeString(NULL); /* not counted */
	xb_alloc_get_stats(&st);
	ck_assert_int_eq(st.live, 0);
	ck_assert_int_eq(st.live_bytes, 0);
	ck_assert_uint_eq(st.frees, st.allocs);
	xb_alloc_set_tracking(0);
	xb_alloc_get_stats(&st);
	ck_assert_uint_eq(st.allocs, 0);
}
END_TEST

static void *tag_thread(void *arg)
{
	const char *previous = xb_alloc_set_tag(arg);
	BSTR b = SysAllocString(u"t");
	SysFreeString(b);
	return (void *)previous;
}

struct tag_seen {
	pthread_mutex_t lock;
	int thread_tagged, main_tagged, other;
};

static void on_alloc_tags(void *ctx, xb_alloc_kind kind, const void *block, size_t bytes, const char *tag)
{
	struct tag_seen *t = ctx;
	(void)kind;
	(void)block;
	(void)bytes;
	pthread_mutex_lock(&t->lock);
	if (tag && !strcmp(tag, "thread"))
		t->thread_tagged++;
	else if (tag && !strcmp(tag, "main"))
		t->main_tagged++;
	else
		t->other++;
	pthread_mutex_unlock(&t->lock);
}

START_TEST(set_tag)
{
	ck_assert_ptr_null(xb_alloc_set_tag("main"));
	ck_assert_str_eq(xb_alloc_set_tag("main"), "main");
	struct tag_seen seen = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
	xb_alloc_hooks h = {on_alloc_tags, NULL, &seen};
	xb_alloc_set_hooks(&h);
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, tag_thread, (void *)(uintptr_t)"thread"), 0);
	void *previous;
	pthread_join(th, &previous);
	ck_assert_ptr_null(previous); /* a new thread starts untagged */
	SysFreeString(SysAllocString(u"m"));
	xb_alloc_set_hooks(NULL);
	ck_assert_int_eq(seen.thread_tagged, 1);
	ck_assert_int_eq(seen.main_tagged, 1);
	ck_assert_int_eq(seen.other, 0);
	ck_assert_str_eq(xb_alloc_set_tag(NULL), "main");
}
END_TEST

START_TEST(get_stats_null)
{
	xb_alloc_get_stats(NULL); /* must not crash */
}
END_TEST

Suite *suite_alloc(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("xb_alloc_set_hooks");
	tcase_add_test(tc, set_hooks);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_alloc_set_tracking");
	tcase_add_test(tc, set_tracking);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_alloc_set_tag");
	tcase_add_test(tc, set_tag);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_alloc_get_stats");
	tcase_add_test(tc, get_stats_null);
	suite_add_tcase(s, tc);
	return s;
}
