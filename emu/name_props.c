/* The name properties table and their derivation (name_props.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "name_props.h"

static const struct {
	const char *canonical;
	const char *oid;
	const char *aliases[4];
} table[] = {
	{"CommonName", "2.5.4.3", {"CN"}},
	{"Country", "2.5.4.6", {"C"}},
	{"DeviceSerialNumber", "2.5.4.5", {NULL}},
	{"DomainComponent", "0.9.2342.19200300.100.1.25", {"DC"}},
	{"EMail", "1.2.840.113549.1.9.1", {"E"}},
	{"GivenName", "2.5.4.42", {"G"}},
	{"Initials", "2.5.4.43", {"I"}},
	{"Locality", "2.5.4.7", {"L"}},
	{"Organization", "2.5.4.10", {"Org", "O"}},
	{"OrgUnit", "2.5.4.11", {"OrganizationUnit", "OrganizationalUnit", "OU"}},
	{"State", "2.5.4.8", {"ST", "S"}},
	{"StreetAddress", "2.5.4.9", {"Street"}},
	{"SurName", "2.5.4.4", {"SN"}},
	{"Title", "2.5.4.12", {"T"}},
	{"UnstructuredAddress", "1.2.840.113549.1.9.8", {NULL}},
	{"UnstructuredName", "1.2.840.113549.1.9.2", {NULL}},
};

#define COUNT (sizeof(table) / sizeof(table[0]))

const char *xb_name_property_canonical(const char *name)
{
	int prefixed = !strncasecmp(name, "Subject.", 8);
	const char *bare = prefixed ? name + 8 : name;
	for (size_t i = 0; i < COUNT; i++) {
		if (!strcasecmp(bare, table[i].canonical))
			return table[i].canonical;
		if (prefixed)
			continue;
		if (!strcmp(bare, table[i].oid))
			return table[i].canonical;
		for (size_t a = 0; a < 4 && table[i].aliases[a]; a++)
			if (!strcasecmp(bare, table[i].aliases[a]))
				return table[i].canonical;
	}
	return NULL;
}

HRESULT xb_name_props_derive(const unsigned char *der, size_t len, struct xb_props *props, enum xb_put how,
			     xb_error *err)
{
	struct xb_name name;
	HRESULT hr = xb_name_parse(der, len, &name, err);
	if (FAILED(hr))
		return hr;
	hr = xb_props_put_binary(props, "RawName", der, len, how);
	if (SUCCEEDED(hr) && name.n) {
		/* An empty subject leaves DistinguishedName empty (reference §5). */
		char *text = xb_name_format(&name, 1);
		hr = text ? xb_props_put_string(props, "DistinguishedName", text, how) : E_OUTOFMEMORY;
		free(text);
	}
	for (size_t i = 0; i < COUNT && SUCCEEDED(hr); i++) {
		int oom;
		char *values = xb_name_values(&name, table[i].oid, &oom);
		if (values)
			hr = xb_props_put_string(props, table[i].canonical, values, how);
		else if (oom)
			hr = E_OUTOFMEMORY;
		free(values);
	}
	xb_name_free(&name);
	return hr;
}
