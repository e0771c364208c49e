/*
 * BSTR with the Windows memory layout (reference §7.2): a 4-byte byte
 * count directly before the first character, the data, then at least two
 * zero bytes. The block is [4 bytes padding][uint32 count][data][NUL NUL],
 * so the BSTR itself is 8-byte aligned like oleaut32's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_private.h"

#define BSTR_HEADER 8u   /* padding + count, keeps the string 8-aligned */
#define BSTR_TRAILER 2u  /* the NUL OLECHAR */
/* Largest payload whose size still fits the 32-bit prefix with room for the header. */
#define BSTR_MAX_BYTES (UINT32_MAX - BSTR_HEADER - BSTR_TRAILER - 1u)

static uint32_t *prefix_of(BSTR b)
{
	return (uint32_t *)(void *)((char *)b - sizeof(uint32_t));
}

/* New BSTR of `bytes` payload bytes, copied from src or zeroed. */
static BSTR bstr_alloc_bytes(const void *src, size_t bytes)
{
	if (bytes > BSTR_MAX_BYTES)
		return NULL;
	/* One more byte for odd lengths keeps two zero bytes after the data. */
	size_t total = BSTR_HEADER + bytes + BSTR_TRAILER + (bytes & 1u);
	char *block = malloc(total);
	if (!block)
		return NULL;
	BSTR b = (BSTR)(void *)(block + BSTR_HEADER);
	*prefix_of(b) = (uint32_t)bytes;
	if (src)
		memcpy(b, src, bytes);
	else
		memset(b, 0, bytes);
	memset((char *)b + bytes, 0, BSTR_TRAILER + (bytes & 1u));
	xb_alloc_note_alloc(XB_ALLOC_BSTR, b, bytes);
	return b;
}

static size_t olestr_len(const OLECHAR *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

XB_EXPORT BSTR SysAllocString(const OLECHAR *psz)
{
	if (!psz)
		return NULL;
	size_t n = olestr_len(psz);
	if (n > BSTR_MAX_BYTES / sizeof(OLECHAR))
		return NULL;
	return bstr_alloc_bytes(psz, n * sizeof(OLECHAR));
}

XB_EXPORT BSTR SysAllocStringLen(const OLECHAR *strIn, UINT ui)
{
	if (ui > BSTR_MAX_BYTES / sizeof(OLECHAR))
		return NULL;
	return bstr_alloc_bytes(strIn, (size_t)ui * sizeof(OLECHAR));
}

XB_EXPORT BSTR SysAllocStringByteLen(const char *psz, UINT len)
{
	return bstr_alloc_bytes(psz, len);
}

XB_EXPORT void SysFreeString(BSTR bstrString)
{
	if (!bstrString)
		return;
	xb_alloc_note_free(XB_ALLOC_BSTR, bstrString, *prefix_of(bstrString));
	free((char *)bstrString - BSTR_HEADER);
}

XB_EXPORT INT SysReAllocStringLen(BSTR *pbstr, const OLECHAR *psz, UINT ui)
{
	if (!pbstr)
		return FALSE;
	/* psz may point into *pbstr: copy before the old string is freed. */
	BSTR fresh = SysAllocStringLen(psz, ui);
	if (!fresh)
		return FALSE;
	/*
	 * oleaut32 reallocates in place, so with a NULL psz the old characters
	 * stay (Wine does the same; the docs only say "uninitialized"). Keep
	 * them, and leave any growth zeroed rather than random.
	 */
	if (!psz && *pbstr) {
		size_t keep = SysStringByteLen(*pbstr);
		if (keep > (size_t)ui * sizeof(OLECHAR))
			keep = (size_t)ui * sizeof(OLECHAR);
		memcpy(fresh, *pbstr, keep);
	}
	SysFreeString(*pbstr);
	*pbstr = fresh;
	return TRUE;
}

XB_EXPORT INT SysReAllocString(BSTR *pbstr, const OLECHAR *psz)
{
	if (!pbstr)
		return FALSE;
	if (!psz) {
		/* As oleaut32: the old string is freed and *pbstr becomes NULL. */
		SysFreeString(*pbstr);
		*pbstr = NULL;
		return TRUE;
	}
	size_t n = olestr_len(psz);
	if (n > BSTR_MAX_BYTES / sizeof(OLECHAR))
		return FALSE;
	return SysReAllocStringLen(pbstr, psz, (UINT)n);
}

XB_EXPORT UINT SysStringLen(BSTR pbstr)
{
	return pbstr ? *prefix_of(pbstr) / sizeof(OLECHAR) : 0;
}

XB_EXPORT UINT SysStringByteLen(BSTR bstr)
{
	return bstr ? *prefix_of(bstr) : 0;
}
