"""Checks docs/exitbench-trace.schema.json against the trace reader.

1. Every line of tests/traces/valid/*.jsonl and of the demo trace validates
   (the first non-blank line as a header, the others as events).
2. Every case of tests/traces/invalid whose error is one a schema can
   express is rejected, at the line its .expected file names; the others
   (not JSON, a duplicate key, an empty trace) are listed with the reason.
3. Hand-written lines, each with the verdict the reader gives
   (emu/trace_read.c, emu/event.c), get that verdict from the schema, and
   from `exitbench inspect` too when --exitbench is given.
4. With --verdicts (tests/schema/value_verdicts), the schema's date, base64
   and PEM patterns agree with the reader's own parsers on a fixed set of
   generated values, good and bad.

Run by tests/schema/validate.sh, which finds a Python with jsonschema.
"""

import argparse
import base64
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import jsonschema

HEADER = '{"format": "exitbench-trace", "version": 1}'


class Duplicate(ValueError):
    pass


def no_duplicates(pairs):
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise Duplicate('duplicate key "%s"' % key)
        seen.add(key)
    return dict(pairs)


def parse(line):
    """The line's JSON, or (None, why) when the error is below the schema's level."""
    try:
        return json.loads(line, object_pairs_hook=no_duplicates), None
    except Duplicate as e:
        return None, str(e)
    except ValueError as e:
        return None, "not JSON: %s" % e


def is_blank(line):
    return not line.strip(" \t\r\n")


class Checker:
    def __init__(self, schema):
        jsonschema.Draft202012Validator.check_schema(schema)
        self.any_line = jsonschema.Draft202012Validator(schema)
        self.role = {
            role: jsonschema.Draft202012Validator(
                {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + role})
            for role in ("header", "event")
        }
        self.failures = 0

    def fail(self, text):
        print("FAIL: " + text)
        self.failures += 1

    def errors(self, role, value):
        """The schema's complaints about a line in that role (header or event), as text."""
        found = [e.message for e in self.role[role].iter_errors(value)]
        if not found and not self.any_line.is_valid(value):
            found = ["valid as a %s but not against the schema's root" % role]
        return found


def check_valid(checker, paths):
    lines = 0
    for path in paths:
        role = "header"
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if is_blank(line):
                    continue
                value, why = parse(line)
                if why:
                    checker.fail("%s:%d: %s" % (path, number, why))
                else:
                    for error in checker.errors(role, value):
                        checker.fail("%s:%d: %s: %s" % (path, number, role, error))
                role = "event"
                lines += 1
    print("valid: %d lines of %d traces validate" % (lines, len(paths)))


def check_invalid(checker, directory):
    rejected, beyond = 0, []
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl"))):
        name = os.path.basename(path)[: -len(".jsonl")]
        with open(path[: -len(".jsonl")] + ".expected", encoding="utf-8") as f:
            at = int(f.read().split(":", 1)[0])
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        content = [i for i, line in enumerate(lines, 1) if not is_blank(line)]
        if at not in content:
            beyond.append("%s (line %d has no JSON: an empty trace)" % (name, at))
            continue
        value, why = parse(lines[at - 1])
        if why:
            beyond.append("%s (%s)" % (name, why.split(":")[0]))
            continue
        role = "header" if at == content[0] else "event"
        if checker.errors(role, value):
            rejected += 1
        else:
            checker.fail("%s: line %d is valid against #/$defs/%s, but the reader refuses it" % (path, at, role))
    print("invalid: %d cases rejected by the schema; beyond a schema: %s" % (rejected, ", ".join(beyond) or "none"))


# Lines with the reader's verdict: (role, line, accepted?). Only rules of the
# format, no Raw* values (whose content is checked when derived).
LINES = [
    ("header", HEADER, True),
    ("header", '{"format": "exitbench-trace", "version": 1, "config": "", "ca": {}}', True),
    ("header", '{"format": "exitbench-trace", "version": "1"}', False),
    ("header", '{"format": "exitbench-trace", "version": 0}', False),
    ("header", '{"version": 1}', False),
    ("header", '{"format": "exitbench-trace", "version": 1, "config": 5}', False),
    ("header", '{"format": "exitbench-trace", "version": 1, "ca": []}', False),
    ("header", '{"format": "exitbench-trace", "version": 1, "ca": {"": 1}}', False),
    ("event", '{"event": "startup"}', True),
    ("event", '{"event": "CertIssued"}', False),
    ("event", '{"event": "crlissued", "ca": {"CRLState.0": 3}}', True),
    ("event", '{"event": "startup", "request": {}, "extensions": []}', True),
    ("event", '{"event": "shutdown", "request": {"RequestID": 1}}', False),
    ("event", '{"event": "crlissued", "attributes": {"a": "b"}}', False),
    ("event", '{"event": "startup", "extensions": [{"oid": "1.2.3", "flags": 0, "value": {"base64": ""}}]}', False),
    ("event", '{"event": "certpending", "certificate": {"X": 1}}', False),
    ("event", '{"event": "certdenied", "extensions": [{"oid": "1.2.3", "flags": 0, "value": {"base64": ""}}]}', True),
    ("event", '{"event": "certretrievepending", "certificate": {"X": 1}}', True),
    ("event", '{"event": "certissued", "request": {"L": -2147483648, "U": 4294967295}}', True),
    ("event", '{"event": "certissued", "request": {"L": -2147483649}}', False),
    ("event", '{"event": "certissued", "request": {"A": true}}', False),
    ("event", '{"event": "certissued", "request": {"A": [1]}}', False),
    ("event", '{"event": "certissued", "request": {"A": {}}}', False),
    ("event", '{"event": "certissued", "request": {"S": "a\\u0000b"}}', False),
    ("event", '{"event": "certissued", "request": {"D": {"date": "2024-02-29 12:00:00.5+01:00"}}}', True),
    ("event", '{"event": "certissued", "request": {"D": {"date": "2023-02-29T12:00:00Z"}}}', False),
    ("event", '{"event": "certissued", "request": {"D": {"date": "2024-01-01T23:59:60Z"}}}', False),
    ("event", '{"event": "certissued", "request": {"D": {"date": "2024-01-01T00:00Z"}}}', False),
    ("event", '{"event": "certissued", "request": {"D": {"date": "2024-01-01T00:00:00Z", "x": 1}}}', False),
    ("event", '{"event": "certissued", "request": {"B": {"base64": "QQ=="}}}', True),
    ("event", '{"event": "certissued", "request": {"B": {"base64": "QQ"}}}', False),
    ("event", '{"event": "certissued", "request": {"B": {"base64": "QQ==\\n"}}}', False),
    ("event", '{"event": "certissued", "request": {"P": {"pem": "x\\n-----BEGIN X-----\\nQQ==\\n-----END X-----\\ny"}}}',
     True),
    ("event", '{"event": "certissued", "request": {"P": {"pem": "-----BEGIN X-----\\nQQ==\\n-----END Y-----\\n"}}}',
     False),
    ("event", '{"event": "certissued", "attributes": {"a": ""}}', True),
    ("event", '{"event": "certissued", "attributes": {"": "b"}}', False),
    ("event", '{"event": "certissued", "attributes": {"a": {"base64": ""}}}', False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "1.2.3", "flags": 4294967295, "value": {"base64": "AA=="}}]}',
     True),
    ("event", '{"event": "certissued", "extensions": [{"oid": "1.2.3", "flags": -2147483649, "value": {"base64": ""}}]}',
     False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "1.2.3", "flags": 0, "value": {"pem": "x"}}]}', False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "1.2.3", "flags": 0, "value": {"base64": ""}, "x": 1}]}',
     False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "%s", "flags": 0, "value": {"base64": ""}}]}' % ("1." * 127 + "1"),
     True),
    ("event", '{"event": "certissued", "extensions": [{"oid": "%s", "flags": 0, "value": {"base64": ""}}]}' % ("1." * 127 + "12"),
     False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "1", "flags": 0, "value": {"base64": ""}}]}', False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "1.2.", "flags": 0, "value": {"base64": ""}}]}', False),
    ("event", '{"event": "certissued", "extensions": [{"oid": "", "flags": 0, "value": {"base64": ""}}]}', False),
    ("event", '{"event": "certissued", "extensions": {}}', False),
]


def reader_accepts(exitbench, role, line):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write(line + "\n" if role == "header" else HEADER + "\n" + line + "\n")
    try:
        done = subprocess.run([exitbench, "inspect", f.name], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finally:
        os.unlink(f.name)
    if done.returncode not in (0, 2):
        raise RuntimeError("exitbench inspect exited %d: %s" % (done.returncode, done.stderr.decode()))
    return done.returncode == 0


def check_lines(checker, exitbench):
    for role, line, accepted in LINES:
        value, why = parse(line)
        valid = not why and not checker.errors(role, value)
        if valid != accepted:
            checker.fail("the schema %s this %s, the reader %s it: %s" % (
                "accepts" if valid else "rejects", role, "accepts" if accepted else "refuses", line))
        if exitbench and reader_accepts(exitbench, role, line) != accepted:
            checker.fail("exitbench inspect %s this %s, not as this test expects: %s" % (
                "accepts" if not accepted else "refuses", role, line))
    print("lines: %d hand-written lines%s" % (len(LINES), ", also through exitbench inspect" if exitbench else ""))


# ---- generated values: the patterns against the reader's parsers ---------

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def mutate(rng, s, alphabet):
    s = list(s)
    for _ in range(rng.randint(0, 3)):
        op, i = rng.randrange(4), rng.randrange(len(s) + 1)
        if op == 0 and s:
            s[min(i, len(s) - 1)] = rng.choice(alphabet)
        elif op == 1:
            s.insert(i, rng.choice(alphabet))
        elif op == 2 and s:
            del s[min(i, len(s) - 1)]
        elif op == 3:
            s = s[:i]
    return "".join(s)


def some_date(rng):
    year = rng.choice(["%04d" % rng.randint(0, 9999), "0099", "0100", "1900", "2000", "2100", "2024", "9999"])
    month, day = "%02d" % rng.randint(0, 13), "%02d" % rng.randint(0, 32)
    if rng.random() < 0.3:
        month, day = "02", rng.choice(["28", "29", "30"])
    text = "%s-%s-%s%s%02d:%02d:%02d%s%s" % (
        year, month, day, rng.choice("Tt Z"), rng.randint(0, 24), rng.randint(0, 60), rng.randint(0, 61),
        rng.choice(["", "", ".5", ".123456", "."]), rng.choice(["Z", "z", "+01:00", "-23:59", "+24:00", "", "+0100"]))
    return mutate(rng, text, "0123456789-:TtZz+. \n") if rng.random() < 0.4 else text


def some_base64(rng):
    text = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(0, 8)))).decode()
    return mutate(rng, text, B64 + "=\n -*") if rng.random() < 0.6 else text


def some_pem(rng):
    label = rng.choice(["CERTIFICATE", "X509 CRL", "", "A-B", "X" * 63, "X" * 64, "A\rB"])
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(0, 60)))).decode()
    width = rng.choice([4, 16, 64])
    sep = rng.choice(["\n", "\r\n", " \n\t"])
    lines = sep.join(body[i:i + width] for i in range(0, len(body), width))
    text = "%s-----BEGIN %s-----%s%s%s-----END %s-----%s" % (
        rng.choice(["", "text\n", "-----BEGIN X-----\n"]), label, sep, lines, sep,
        label if rng.random() < 0.85 else "OTHER", rng.choice(["", "\n", "after"]))
    return mutate(rng, text, B64 + "=\n -\t\r") if rng.random() < 0.5 else text


def check_patterns(checker, schema, verdicts):
    defs = schema["$defs"]
    patterns = {
        "date": re.compile(defs["date"]["properties"]["date"]["pattern"]),
        "base64": re.compile(defs["binary"]["properties"]["base64"]["pattern"]),
        "pem": re.compile(defs["pem"]["properties"]["pem"]["pattern"]),
    }
    rng = random.Random(20261124)
    records = [("date", some_date(rng)) for _ in range(4000)]
    records += [("base64", some_base64(rng)) for _ in range(4000)]
    records += [("pem", some_pem(rng)) for _ in range(3000)]
    records = [(kind, value) for kind, value in records if "\0" not in value]
    data = b"".join(("%s\t%s" % r).encode() + b"\0" for r in records)
    done = subprocess.run([verdicts], input=data, stdout=subprocess.PIPE)
    answers = done.stdout.decode().strip()
    if done.returncode or len(answers) != len(records):
        checker.fail("%s exited %d with %d verdicts for %d records" % (verdicts, done.returncode, len(answers),
                                                                       len(records)))
        return
    disagreements, accepted = 0, 0
    for (kind, value), answer in zip(records, answers):
        reader = answer == "1"
        accepted += reader
        if bool(patterns[kind].search(value)) != reader:
            disagreements += 1
            if disagreements <= 10:
                checker.fail("%s pattern %s %r, the reader %s it" % (
                    kind, "rejects" if reader else "accepts", value, "accepts" if reader else "refuses"))
    print("patterns: %d generated values (%d the reader accepts), %d disagreements" % (
        len(records), accepted, disagreements))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schema", required=True)
    parser.add_argument("--traces", required=True, help="the tests/traces folder")
    parser.add_argument("--demo", help="the demo trace")
    parser.add_argument("--verdicts", help="tests/schema/value_verdicts")
    parser.add_argument("--exitbench", help="emu/exitbench, to check the hand-written lines against the reader")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    checker = Checker(schema)
    valid = sorted(glob.glob(os.path.join(args.traces, "valid", "*.jsonl")))
    check_valid(checker, valid + ([args.demo] if args.demo else []))
    check_invalid(checker, os.path.join(args.traces, "invalid"))
    check_lines(checker, args.exitbench)
    if args.verdicts:
        check_patterns(checker, schema, args.verdicts)
    else:
        print("patterns: not compared (no value_verdicts: the engine is built for Linux hosts only)")
    if checker.failures:
        print("%d failure(s)" % checker.failures)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
