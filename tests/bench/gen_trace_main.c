/* gen_trace: writes a benchmark trace (gen_trace.h) to a file or standard output. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_trace.h"

#ifndef XB_FIXTURES_DIR
# define XB_FIXTURES_DIR "tests/fixtures"
#endif

static void usage(FILE *out)
{
	fputs("Usage: gen_trace [OPTION]... [FILE|-]\n"
	      "Writes an exitbench trace of N events (standard output when FILE is absent or -):\n"
	      "~89.6% certissued, 5% certpending, 5% certdenied, one crlissued in 250.\n\n"
	      "  -n, --events N        events after the header (default 1000)\n"
	      "      --fixtures DIR    leaf.der, req.der and ca.pem are read from DIR\n"
	      "                        (default " XB_FIXTURES_DIR ")\n"
	      "      --no-raw-request  requests carry no RawRequest\n"
	      "  -h, --help            print this help and exit\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"events", required_argument, NULL, 'n'}, {"fixtures", required_argument, NULL, 'f'},
		{"no-raw-request", no_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *fixtures = XB_FIXTURES_DIR;
	size_t events = 1000;
	int raw_request = 1, c;
	while ((c = getopt_long(argc, argv, "n:h", options, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'n':
			events = strtoul(optarg, &end, 10);
			if (*end || !*optarg) {
				fprintf(stderr, "gen_trace: --events wants a number, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'f':
			fixtures = optarg;
			break;
		case 'R':
			raw_request = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("Try 'gen_trace --help' for more information.\n", stderr);
			return 2;
		}
	}
	if (optind < argc - 1) {
		fputs("gen_trace: one output file at most\n", stderr);
		return 2;
	}
	char cert[4096], request[4096], ca[4096];
	snprintf(cert, sizeof(cert), "%s/leaf.der", fixtures);
	snprintf(request, sizeof(request), "%s/req.der", fixtures);
	snprintf(ca, sizeof(ca), "%s/ca.pem", fixtures);
	struct bench_trace_spec spec = {cert, raw_request ? request : NULL, ca, events};
	const char *path = optind < argc ? argv[optind] : "-";
	int rc = strcmp(path, "-") ? bench_write_trace_file(&spec, path) : bench_write_trace(&spec, stdout);
	if (!rc && fflush(stdout)) {
		perror("gen_trace: standard output");
		rc = -1;
	}
	return rc ? 1 : 0;
}
