#!/bin/sh
# Regenerates the demo trace (demo.jsonl) that `exitbench demo` replays
# and, from the same run, the fixtures demo-ca.der and demo-crl.der:
# a small CA made with OpenSSL issuing, denying and revoking certificates
# and publishing a CRL, written as an exitbench trace. Run by hand; the
# output is committed. Needs openssl and base64.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=3650

b64() { base64 -w0 "$1"; }

# The CA, with the CA version extension a Windows CA puts in its certificate.
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days $days \
	-subj "/DC=local/DC=demo/CN=Demo Issuing CA" -set_serial 0x2a \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-addext "1.3.6.1.4.1.311.21.1=DER:02:01:00" 2>/dev/null
openssl x509 -in "$work/ca.pem" -outform DER -out "$work/ca.der"

# An openssl ca database, so that the CRL lists the revoked certificate.
mkdir "$work/db"
: >"$work/db/index.txt"
echo 1000 >"$work/db/crlnumber"
cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = demo
[demo]
database = $work/db/index.txt
crlnumber = $work/db/crlnumber
default_md = sha256
default_crl_days = 7
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.3.6.1.4.1.311.20.2 = ASN1:BMPSTRING:User
CNF

# leaf NAME SERIAL SUBJECT UPN: a request and the certificate issued for it
leaf() {
	openssl req -new -newkey rsa:2048 -nodes -keyout "$work/$1.key" -out "$work/$1.csr" -subj "$3" \
		-outform DER 2>/dev/null
	printf 'subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;UTF8:%s,email:%s\n' "$4" "$4" >"$work/$1.ext"
	cat "$work/ca.cnf" >>"$work/$1.ext"
	openssl x509 -req -inform DER -in "$work/$1.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
		-set_serial "$2" -days 365 -extfile "$work/ca.cnf" -extensions leaf -outform DER \
		-out "$work/$1.der" 2>/dev/null
}
leaf alice 0x6100000002c4d3e5f60718293a000000000002 \
	"/DC=local/DC=demo/OU=Staff/CN=alice.smith/emailAddress=alice@demo.local" alice@demo.local
leaf bob 0x6100000003d5e4f60718293a4b000000000003 \
	"/DC=local/DC=demo/OU=Staff/OU=Admins/CN=bob.jones" bob@demo.local
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/carol.key" -out "$work/carol.csr" -outform DER \
	-subj "/DC=local/DC=demo/OU=Contractors/CN=carol.white" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/dave.key" -out "$work/dave.csr" -outform DER \
	-subj "/DC=local/DC=demo/CN=dave" 2>/dev/null

# Revoke bob's certificate and publish the CRL.
openssl x509 -inform DER -in "$work/bob.der" -out "$work/bob.pem"
openssl ca -config "$work/ca.cnf" -keyfile "$work/ca.key" -cert "$work/ca.pem" -valid "$work/bob.pem" \
	2>/dev/null
openssl ca -config "$work/ca.cnf" -keyfile "$work/ca.key" -cert "$work/ca.pem" -revoke "$work/bob.pem" \
	-crl_reason keyCompromise 2>/dev/null
openssl ca -config "$work/ca.cnf" -keyfile "$work/ca.key" -cert "$work/ca.pem" -gencrl -out "$work/crl.pem" \
	2>/dev/null
openssl crl -in "$work/crl.pem" -outform DER -out "$work/crl.der"

when() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
t0=$(when "now")
t1=$(when "now + 1 minute")
t2=$(when "now + 2 minutes")

location='SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Demo Issuing CA\\ExitModules\\Recorder.Exit'
{
	printf '{"format": "exitbench-trace", "version": 1, "config": "Demo Issuing CA", "ca": {"CAType": 0, "CertCount": 1, "SanitizedCAName": "Demo Issuing CA", "SanitizedShortName": "Demo Issuing CA", "MachineDNSName": "ca01.demo.local", "ModuleRegistryLocation": "%s", "fDeltaCRLsDisabled": 1, "fUseDS": 1, "CertState.0": 3, "CRLState.0": 3, "CertSuffix.0": "", "CRLSuffix.0": "", "CRLIndex.0": 0, "RawCACertificate.0": {"base64": "%s"}}}\n' \
		"$location" "$(b64 "$work/ca.der")"
	printf '{"event": "certpending", "request": {"RequestID": 101, "Disposition": 9, "RequestType": 262400, "RequesterName": "DEMO\\\\carol", "SubmittedWhen": {"date": "%s"}, "RawRequest": {"base64": "%s"}}, "attributes": {"CertificateTemplate": "User"}}\n' \
		"$t0" "$(b64 "$work/carol.csr")"
	printf '{"event": "certissued", "request": {"RequestID": 102, "Disposition": 20, "RequestType": 262400, "RequesterName": "DEMO\\\\alice", "SubmittedWhen": {"date": "%s"}, "ResolvedWhen": {"date": "%s"}, "RawRequest": {"base64": "%s"}}, "certificate": {"RawCertificate": {"base64": "%s"}}, "attributes": {"CertificateTemplate": "User", "ccm": "ws01.demo.local"}}\n' \
		"$t0" "$t0" "$(b64 "$work/alice.csr")" "$(b64 "$work/alice.der")"
	printf '{"event": "certissued", "request": {"RequestID": 103, "Disposition": 20, "RequestType": 262400, "RequesterName": "DEMO\\\\bob", "SubmittedWhen": {"date": "%s"}, "ResolvedWhen": {"date": "%s"}, "RawRequest": {"base64": "%s"}}, "certificate": {"RawCertificate": {"base64": "%s"}}, "attributes": {"CertificateTemplate": "User"}}\n' \
		"$t0" "$t0" "$(b64 "$work/bob.csr")" "$(b64 "$work/bob.der")"
	printf '{"event": "certdenied", "request": {"RequestID": 104, "Disposition": 31, "StatusCode": -2146877437, "DispositionMessage": "Denied by Policy Module", "RequesterName": "DEMO\\\\dave", "SubmittedWhen": {"date": "%s"}, "RawRequest": {"base64": "%s"}}}\n' \
		"$t1" "$(b64 "$work/dave.csr")"
	printf '{"event": "certrevoked", "request": {"RequestID": 103, "Disposition": 21, "RevokedReason": 1, "RevokedWhen": {"date": "%s"}, "RevokedEffectiveWhen": {"date": "%s"}, "DispositionMessage": "Revoked by DEMO\\\\admin"}, "certificate": {"RawCertificate": {"base64": "%s"}}}\n' \
		"$t2" "$t2" "$(b64 "$work/bob.der")"
	printf '{"event": "crlissued", "ca": {"RawCRL.0": {"base64": "%s"}}}\n' "$(b64 "$work/crl.der")"
	printf '{"event": "shutdown"}\n'
} >demo.jsonl
# The CA certificate and CRL are also test fixtures (tests/check_ca_props.c).
cp "$work/ca.der" ../../tests/fixtures/demo-ca.der
cp "$work/crl.der" ../../tests/fixtures/demo-crl.der
echo "wrote $(pwd)/demo.jsonl, tests/fixtures/demo-ca.der and demo-crl.der"
