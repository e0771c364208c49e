/* Allocation accounting hooks and counters (lib/alloc.c). */
#include <pthread.h>
#include <stddef.h>
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

START_TEST(set_hooks_events)
{
	/* free hooks see the tag too; a BSTR's bytes are its payload, odd ones included */
	struct record r = {0};
	xb_alloc_hooks h = {on_alloc, on_free, &r};
	xb_alloc_set_hooks(&h);
	BSTR b = SysAllocStringByteLen("abc", 3);
	ck_assert_uint_eq(r.last_bytes, 3);
	xb_alloc_set_tag("free");
	SysFreeString(b);
	ck_assert_str_eq(r.last_tag, "free");
	ck_assert_int_eq(r.last_kind, XB_ALLOC_BSTR);
	SysFreeString(NULL); /* nothing freed, nothing reported */
	CoTaskMemFree(NULL);
	ck_assert_int_eq(r.frees, 1);
	xb_alloc_set_hooks(NULL);
	xb_alloc_set_tag(NULL);
}
END_TEST

START_TEST(set_hooks_partial)
{
	/* a hook left NULL is not called; hooks with no functions at all count as none */
	struct record r = {0};
	xb_alloc_hooks h = {NULL, on_free, &r};
	xb_alloc_set_hooks(&h);
	BSTR b = SysAllocString(u"p");
	ck_assert_int_eq(r.allocs, 0);
	SysFreeString(b);
	ck_assert_int_eq(r.frees, 1);
	xb_alloc_hooks none = {NULL, NULL, &r};
	xb_alloc_set_hooks(&none);
	SysFreeString(SysAllocString(u"q"));
	ck_assert_int_eq(r.frees, 1);
	xb_alloc_set_hooks(NULL);
}
END_TEST

START_TEST(set_tracking_with_hooks)
{
	/* counting and hooks are independent: removing the hooks keeps the counts going */
	struct record r = {0};
	xb_alloc_hooks h = {on_alloc, on_free, &r};
	xb_alloc_set_hooks(&h);
	xb_alloc_set_tracking(1);
	BSTR b = SysAllocString(u"ab");
	xb_alloc_set_hooks(NULL);
	SysFreeString(b);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_int_eq(r.allocs, 1);
	ck_assert_int_eq(r.frees, 0);
	ck_assert_uint_eq(st.allocs, 1);
	ck_assert_uint_eq(st.frees, 1);
	ck_assert_int_eq(st.live_bytes, 0);
}
END_TEST

START_TEST(set_tracking_resets)
{
	xb_alloc_set_tracking(1);
	BSTR b = SysAllocString(u"kept");
	xb_alloc_set_tracking(1); /* switching on again starts from zero */
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	ck_assert_uint_eq(st.allocs, 0);
	ck_assert_int_eq(st.live, 0);
	SysFreeString(b);
	xb_alloc_set_tracking(0);
	SysFreeString(SysAllocString(u"off")); /* not counted while off */
	xb_alloc_get_stats(&st);
	ck_assert_uint_eq(st.allocs, 0);
	ck_assert_uint_eq(st.frees, 0);
}
END_TEST

#define TAG_THREADS 4
#define TAG_ROUNDS 200

static void *count_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < TAG_ROUNDS; i++)
		SysFreeString(SysAllocString(u"concurrent"));
	return NULL;
}

START_TEST(set_tracking_threads)
{
	xb_alloc_set_tracking(1);
	pthread_t th[TAG_THREADS];
	for (int i = 0; i < TAG_THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, count_thread, NULL), 0);
	for (int i = 0; i < TAG_THREADS; i++)
		pthread_join(th[i], NULL);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_uint_eq(st.allocs, TAG_THREADS * TAG_ROUNDS);
	ck_assert_uint_eq(st.frees, TAG_THREADS * TAG_ROUNDS);
	ck_assert_int_eq(st.live, 0);
	ck_assert_int_eq(st.live_bytes, 0);
}
END_TEST

START_TEST(get_stats_null)
{
	xb_alloc_get_stats(NULL); /* must not crash */
}
END_TEST

START_TEST(task_alloc)
{
	unsigned char *p = CoTaskMemAlloc(64);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % 16, 0); /* malloc's alignment survives the size header */
	memset(p, 0x5A, 64);
	CoTaskMemFree(p);
}
END_TEST

START_TEST(task_alloc_zero)
{
	void *a = CoTaskMemAlloc(0);
	void *b = CoTaskMemAlloc(0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	CoTaskMemFree(a);
	CoTaskMemFree(b);
}
END_TEST

START_TEST(task_alloc_huge)
{
	static const SIZE_T huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15, (SIZE_T)PTRDIFF_MAX + 1, PTRDIFF_MAX - 15};
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		ck_assert_msg(CoTaskMemAlloc(huge[i]) == NULL, "CoTaskMemAlloc(%#zx) not NULL", (size_t)huge[i]);
}
END_TEST

START_TEST(task_realloc)
{
	unsigned char *p = CoTaskMemAlloc(4);
	memcpy(p, "abcd", 4);
	p = CoTaskMemRealloc(p, 1000);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(memcmp(p, "abcd", 4), 0);
	p = CoTaskMemRealloc(p, 2);
	ck_assert_int_eq(memcmp(p, "ab", 2), 0);
	/* failure leaves the old block alone */
	ck_assert_ptr_null(CoTaskMemRealloc(p, SIZE_MAX));
	ck_assert_int_eq(memcmp(p, "ab", 2), 0);
	CoTaskMemFree(p);
}
END_TEST

START_TEST(task_realloc_null_and_zero)
{
	xb_alloc_set_tracking(1);
	void *p = CoTaskMemRealloc(NULL, 8); /* as CoTaskMemAlloc */
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(CoTaskMemRealloc(p, 0)); /* as CoTaskMemFree */
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_uint_eq(st.allocs, 1);
	ck_assert_uint_eq(st.frees, 1);
	ck_assert_int_eq(st.live, 0);
}
END_TEST

START_TEST(task_realloc_events)
{
	/* a move is a new block then a free of the old one */
	struct record r = {0};
	xb_alloc_hooks h = {on_alloc, on_free, &r};
	void *p = CoTaskMemAlloc(8);
	xb_alloc_set_hooks(&h);
	void *q = CoTaskMemRealloc(p, 24);
	ck_assert_int_eq(r.allocs, 1);
	ck_assert_int_eq(r.frees, 1);
	ck_assert_ptr_eq(r.last_block, p); /* the free comes last */
	ck_assert_uint_eq(r.last_bytes, 24);
	ck_assert_int_eq(r.last_kind, XB_ALLOC_TASKMEM);
	CoTaskMemFree(q);
	ck_assert_ptr_eq(r.last_block, q);
	xb_alloc_set_hooks(NULL);
}
END_TEST

START_TEST(task_free)
{
	CoTaskMemFree(NULL);
	xb_alloc_set_tracking(1);
	CoTaskMemFree(CoTaskMemAlloc(0));
	CoTaskMemFree(CoTaskMemAlloc(33));
	CoTaskMemFree(NULL);
	xb_alloc_stats st;
	xb_alloc_get_stats(&st);
	xb_alloc_set_tracking(0);
	ck_assert_uint_eq(st.allocs, 2);
	ck_assert_uint_eq(st.frees, 2);
	ck_assert_int_eq(st.live_bytes, 0);
}
END_TEST

Suite *suite_alloc(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("xb_alloc_set_hooks");
	tcase_add_test(tc, set_hooks);
	tcase_add_test(tc, set_hooks_events);
	tcase_add_test(tc, set_hooks_partial);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_alloc_set_tracking");
	tcase_add_test(tc, set_tracking);
	tcase_add_test(tc, set_tracking_with_hooks);
	tcase_add_test(tc, set_tracking_resets);
	tcase_add_test(tc, set_tracking_threads);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_alloc_set_tag");
	tcase_add_test(tc, set_tag);
	suite_add_tcase(s, tc);
	tc = tcase_create("xb_alloc_get_stats");
	tcase_add_test(tc, get_stats_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("CoTaskMemAlloc");
	tcase_add_test(tc, task_alloc);
	tcase_add_test(tc, task_alloc_zero);
	tcase_add_test(tc, task_alloc_huge);
	suite_add_tcase(s, tc);
	tc = tcase_create("CoTaskMemRealloc");
	tcase_add_test(tc, task_realloc);
	tcase_add_test(tc, task_realloc_null_and_zero);
	tcase_add_test(tc, task_realloc_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("CoTaskMemFree");
	tcase_add_test(tc, task_free);
	suite_add_tcase(s, tc);
	return s;
}
