/*
 * The one table of HRESULT and Win32 error names and messages (an X-macro
 * list, after libuv's UV_ERRNO_MAP). Each entry names a macro of
 * exitbench/winerror.h (or the SDK's on Windows), so a name cannot drift
 * from its value. Messages are short paraphrases for reports, not the
 * system's message table.
 *
 * XB_HRESULT_MAP(X): X(symbol, message) for each HRESULT.
 * XB_WIN32_MAP(X):   X(symbol, message) for each Win32 error code.
 */
#ifndef XB_LIB_HRESULT_TABLE_H
#define XB_LIB_HRESULT_TABLE_H

#define XB_HRESULT_MAP(X) \
	X(S_OK, "Success.") \
	X(S_FALSE, "Success; the answer is false or there are no more items.") \
	X(E_UNEXPECTED, "Catastrophic failure: the call was unexpected in this state.") \
	X(E_NOTIMPL, "Not implemented.") \
	X(E_NOINTERFACE, "No such interface supported.") \
	X(E_POINTER, "Invalid pointer (NULL where a pointer is required).") \
	X(E_ABORT, "Operation aborted.") \
	X(E_FAIL, "Unspecified error.") \
	X(E_PENDING, "The data necessary to complete this operation is not yet available.") \
	X(E_BOUNDS, "The operation attempted to access data outside the valid range.") \
	X(E_ACCESSDENIED, "General access denied error.") \
	X(E_HANDLE, "Invalid handle.") \
	X(E_OUTOFMEMORY, "Out of memory.") \
	X(E_INVALIDARG, "One or more arguments are invalid.") \
	X(CO_E_NOT_SUPPORTED, "This operation is not supported.") \
	X(RPC_E_CALL_REJECTED, "The call was rejected by the callee.") \
	X(RPC_E_SERVERFAULT, "The server threw an exception.") \
	X(RPC_E_CHANGED_MODE, "Cannot change the thread mode after it is set.") \
	X(RPC_E_DISCONNECTED, "The object invoked has disconnected from its clients.") \
	X(RPC_E_WRONG_THREAD, "The application called an interface that was marshalled for a different thread.") \
	X(RPC_E_TIMEOUT, "The call did not complete within the time allowed.") \
	X(DISP_E_UNKNOWNINTERFACE, "Unknown interface.") \
	X(DISP_E_MEMBERNOTFOUND, "Member not found.") \
	X(DISP_E_PARAMNOTFOUND, "Parameter not found.") \
	X(DISP_E_TYPEMISMATCH, "Type mismatch.") \
	X(DISP_E_UNKNOWNNAME, "Unknown name.") \
	X(DISP_E_NONAMEDARGS, "No named arguments.") \
	X(DISP_E_BADVARTYPE, "Bad variable type.") \
	X(DISP_E_EXCEPTION, "Exception occurred.") \
	X(DISP_E_OVERFLOW, "Out of present range.") \
	X(DISP_E_BADINDEX, "Invalid index.") \
	X(DISP_E_UNKNOWNLCID, "Unknown language.") \
	X(DISP_E_ARRAYISLOCKED, "Memory is locked.") \
	X(DISP_E_BADPARAMCOUNT, "Invalid number of parameters.") \
	X(DISP_E_PARAMNOTOPTIONAL, "Parameter not optional.") \
	X(TYPE_E_ELEMENTNOTFOUND, "Element not found.") \
	X(STG_E_FILENOTFOUND, "The file could not be found.") \
	X(STG_E_ACCESSDENIED, "Access denied.") \
	X(STG_E_WRITEFAULT, "A disk error occurred during a write operation.") \
	X(STG_E_READFAULT, "A disk error occurred during a read operation.") \
	X(CLASS_E_NOAGGREGATION, "Class does not support aggregation.") \
	X(CLASS_E_CLASSNOTAVAILABLE, "The class factory cannot supply the requested class.") \
	X(CLASS_E_NOTLICENSED, "Class is not licensed for use.") \
	X(REGDB_E_READREGDB, "Could not read key from registry.") \
	X(REGDB_E_WRITEREGDB, "Could not write key to registry.") \
	X(REGDB_E_KEYMISSING, "Could not find the key in the registry.") \
	X(REGDB_E_INVALIDVALUE, "Invalid value for registry.") \
	X(REGDB_E_CLASSNOTREG, "Class not registered.") \
	X(REGDB_E_IIDNOTREG, "Interface not registered.") \
	X(SELFREG_E_TYPELIB, "Failed to register or unregister the type library.") \
	X(SELFREG_E_CLASS, "Failed to register or unregister the class.") \
	X(CO_E_NOTINITIALIZED, "CoInitialize has not been called.") \
	X(CO_E_ALREADYINITIALIZED, "CoInitialize has already been called.") \
	X(CO_E_CLASSSTRING, "Invalid class string.") \
	X(CO_E_IIDSTRING, "Invalid interface string.") \
	X(CO_E_APPNOTFOUND, "Application not found.") \
	X(CO_E_DLLNOTFOUND, "DLL for class not found.") \
	X(CO_E_ERRORINDLL, "Error in the DLL.") \
	X(CO_E_OBJNOTREG, "Object is not registered.") \
	X(CO_E_SERVER_EXEC_FAILURE, "Server execution failed.") \
	X(CERTSRV_E_BAD_REQUESTSUBJECT, "The request subject name is invalid or too long.") \
	X(CERTSRV_E_NO_REQUEST, "The request does not exist.") \
	X(CERTSRV_E_BAD_REQUESTSTATUS, "The request's current status does not allow this operation.") \
	X(CERTSRV_E_PROPERTY_EMPTY, "The requested property value is empty.") \
	X(CERTSRV_E_INVALID_CA_CERTIFICATE, "The certification authority's certificate contains invalid data.") \
	X(CERTSRV_E_SERVER_SUSPENDED, "Certificate service has been suspended for a database restore operation.") \
	X(CERTSRV_E_ENCODING_LENGTH, "The certificate contains an encoded length that is potentially incompatible with older enrollment software.") \
	X(CERTSRV_E_ROLECONFLICT, "The operation is denied. The user has multiple roles assigned and the certification authority is configured to enforce role separation.") \
	X(CERTSRV_E_RESTRICTEDOFFICER, "The operation is denied. It can only be performed by a certificate manager that is allowed to manage certificates for the current requester.") \
	X(CERTSRV_E_KEY_ARCHIVAL_NOT_CONFIGURED, "Cannot archive private key. The certification authority is not configured for key archival.") \
	X(CERTSRV_E_NO_VALID_KRA, "Cannot archive private key. The certification authority could not verify one or more key recovery certificates.") \
	X(CERTSRV_E_BAD_REQUEST_KEY_ARCHIVAL, "The request is incorrectly formatted. The encrypted private key must be in an unauthenticated attribute in an outermost signature.") \
	X(CERTSRV_E_NO_CAADMIN_DEFINED, "At least one security principal must have the permission to manage this CA.") \
	X(CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE, "The request contains an invalid renewal certificate attribute.") \
	X(CERTSRV_E_NO_DB_SESSIONS, "An attempt was made to open a Certification Authority database session, but there are already too many active sessions.") \
	X(CERTSRV_E_ALIGNMENT_FAULT, "A memory reference caused a data alignment fault.") \
	X(CERTSRV_E_ENROLL_DENIED, "The permissions on this certification authority do not allow the current user to enroll for certificates.") \
	X(CERTSRV_E_TEMPLATE_DENIED, "The permissions on the certificate template do not allow the current user to enroll for this type of certificate.") \
	X(CERTSRV_E_DOWNLEVEL_DC_SSL_OR_UPGRADE, "The contacted domain controller cannot support signed LDAP traffic.") \
	X(CERTSRV_E_ADMIN_DENIED_REQUEST, "The request was denied by a certificate manager or CA administrator.") \
	X(CERTSRV_E_NO_POLICY_SERVER, "An enrollment policy server cannot be located.") \
	X(CERTSRV_E_WEAK_SIGNATURE_OR_KEY, "A signature algorithm or public key length does not meet the system's minimum required strength.") \
	X(CERTSRV_E_KEY_ATTESTATION_NOT_SUPPORTED, "Failed to create an attested key.") \
	X(CERTSRV_E_ENCRYPTION_CERT_REQUIRED, "The request requires an encryption certificate.") \
	X(CERTSRV_E_UNSUPPORTED_CERT_TYPE, "The requested certificate template is not supported by this CA.") \
	X(CERTSRV_E_NO_CERT_TYPE, "The request contains no certificate template information.") \
	X(CERTSRV_E_TEMPLATE_CONFLICT, "The request contains conflicting template information.") \
	X(CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED, "The request is missing a required Subject Alternate name extension.") \
	X(CERTSRV_E_ARCHIVED_KEY_REQUIRED, "The request is missing a required private key for archival by the server.") \
	X(CERTSRV_E_SMIME_REQUIRED, "The request is missing a required SMIME capabilities extension.") \
	X(CERTSRV_E_BAD_RENEWAL_SUBJECT, "The request was made on behalf of a subject other than the caller.") \
	X(CERTSRV_E_BAD_TEMPLATE_VERSION, "The request template version is newer than the supported template version.") \
	X(CERTSRV_E_TEMPLATE_POLICY_REQUIRED, "The template is missing a required signature policy attribute.") \
	X(CERTSRV_E_SIGNATURE_POLICY_REQUIRED, "The request is missing required signature policy information.") \
	X(CERTSRV_E_SIGNATURE_COUNT, "The request is missing one or more required signatures.") \
	X(CERTSRV_E_SIGNATURE_REJECTED, "One or more signatures did not include the required application or issuance policies.") \
	X(CERTSRV_E_ISSUANCE_POLICY_REQUIRED, "The request is missing one or more required valid issuance policies.") \
	X(CERTSRV_E_SUBJECT_UPN_REQUIRED, "The UPN is unavailable and cannot be added to the Subject Alternate name.") \
	X(CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED, "The Active Directory GUID is unavailable and cannot be added to the Subject Alternate name.") \
	X(CERTSRV_E_SUBJECT_DNS_REQUIRED, "The DNS name is unavailable and cannot be added to the Subject Alternate name.") \
	X(CERTSRV_E_ARCHIVED_KEY_UNEXPECTED, "The request includes a private key for archival by the server, but key archival is not enabled for the specified certificate template.") \
	X(CERTSRV_E_KEY_LENGTH, "The public key does not meet the minimum size required by the specified certificate template.") \
	X(CERTSRV_E_SUBJECT_EMAIL_REQUIRED, "The EMail name is unavailable and cannot be added to the Subject or Subject Alternate name.") \
	X(CERTSRV_E_UNKNOWN_CERT_TYPE, "One or more certificate templates to be enabled on this certification authority could not be found.") \
	X(CERTSRV_E_CERT_TYPE_OVERLAP, "The certificate template renewal period is longer than the certificate validity period.")

#define XB_WIN32_MAP(X) \
	X(ERROR_SUCCESS, "The operation completed successfully.") \
	X(ERROR_INVALID_FUNCTION, "Incorrect function.") \
	X(ERROR_FILE_NOT_FOUND, "The system cannot find the file specified.") \
	X(ERROR_PATH_NOT_FOUND, "The system cannot find the path specified.") \
	X(ERROR_TOO_MANY_OPEN_FILES, "The system cannot open the file.") \
	X(ERROR_ACCESS_DENIED, "Access is denied.") \
	X(ERROR_INVALID_HANDLE, "The handle is invalid.") \
	X(ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command.") \
	X(ERROR_BAD_FORMAT, "An attempt was made to load a program with an incorrect format.") \
	X(ERROR_INVALID_ACCESS, "The access code is invalid.") \
	X(ERROR_INVALID_DATA, "The data is invalid.") \
	X(ERROR_OUTOFMEMORY, "Not enough memory resources are available to complete this operation.") \
	X(ERROR_WRITE_FAULT, "The system cannot write to the specified device.") \
	X(ERROR_READ_FAULT, "The system cannot read from the specified device.") \
	X(ERROR_GEN_FAILURE, "A device attached to the system is not functioning.") \
	X(ERROR_SHARING_VIOLATION, "The process cannot access the file because it is being used by another process.") \
	X(ERROR_HANDLE_EOF, "Reached the end of the file.") \
	X(ERROR_NOT_SUPPORTED, "The request is not supported.") \
	X(ERROR_FILE_EXISTS, "The file exists.") \
	X(ERROR_INVALID_PARAMETER, "The parameter is incorrect.") \
	X(ERROR_BUFFER_OVERFLOW, "The file name is too long.") \
	X(ERROR_DISK_FULL, "There is not enough space on the disk.") \
	X(ERROR_CALL_NOT_IMPLEMENTED, "This function is not supported on this system.") \
	X(ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small.") \
	X(ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect.") \
	X(ERROR_MOD_NOT_FOUND, "The specified module could not be found.") \
	X(ERROR_PROC_NOT_FOUND, "The specified procedure could not be found.") \
	X(ERROR_BAD_PATHNAME, "The specified path is invalid.") \
	X(ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists.") \
	X(ERROR_FILENAME_EXCED_RANGE, "The filename or extension is too long.") \
	X(ERROR_MORE_DATA, "More data is available.") \
	X(ERROR_NO_MORE_ITEMS, "No more data is available.") \
	X(ERROR_DIRECTORY, "The directory name is invalid.") \
	X(ERROR_NOACCESS, "Invalid access to memory location.") \
	X(ERROR_BADDB, "The configuration registry database is corrupt.") \
	X(ERROR_BADKEY, "The configuration registry key is invalid.") \
	X(ERROR_CANTOPEN, "The configuration registry key could not be opened.") \
	X(ERROR_CANTREAD, "The configuration registry key could not be read.") \
	X(ERROR_CANTWRITE, "The configuration registry key could not be written.") \
	X(ERROR_KEY_DELETED, "Illegal operation attempted on a registry key that has been marked for deletion.") \
	X(ERROR_CHILD_MUST_BE_VOLATILE, "Cannot create a stable subkey under a volatile parent key.") \
	X(ERROR_PROCESS_ABORTED, "The process terminated unexpectedly.") \
	X(ERROR_NO_UNICODE_TRANSLATION, "No mapping for the Unicode character exists in the target multi-byte code page.") \
	X(ERROR_DLL_INIT_FAILED, "A dynamic link library (DLL) initialization routine failed.") \
	X(ERROR_NOT_FOUND, "Element not found.") \
	X(ERROR_TIMEOUT, "This operation returned because the timeout period expired.") \
	X(ERROR_BAD_CONFIGURATION, "The configuration data for this product is corrupt. Contact your support personnel.") \
	X(ERROR_DATATYPE_MISMATCH, "The data type of the value does not match the type requested.") \
	X(ERROR_UNSUPPORTED_TYPE, "Data of this type is not supported.") \
	X(RPC_S_SERVER_UNAVAILABLE, "The RPC server is unavailable.") \
	X(RPC_S_CALL_FAILED, "The remote procedure call failed.")

#endif
