/*
 * The name properties (reference §3.3): one table of canonical names, their
 * attribute OIDs and their aliases, used both to derive them from a Name
 * and to resolve the name a module asks for.
 */
#ifndef XB_EMU_NAME_PROPS_H
#define XB_EMU_NAME_PROPS_H

#include "name.h"
#include "props.h"

/*
 * The canonical property a module's name stands for: "CN", "2.5.4.3",
 * "Subject.CommonName" and "commonname" all give "CommonName" (aliases do
 * not take the "Subject." prefix, as documented). NULL for a name that is
 * not a name property.
 */
const char *xb_name_property_canonical(const char *name);

/*
 * Puts DistinguishedName (Windows text, RDNs most specific first), RawName
 * and every name property that has values into props, from the DER Name.
 */
HRESULT xb_name_props_derive(const unsigned char *der, size_t len, struct xb_props *props, enum xb_put how,
			     xb_error *err);

#endif
