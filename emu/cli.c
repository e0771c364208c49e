/* exitbench: the entry point and the verb table (cli.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} verbs[] = {
	{"replay", xb_cli_replay, "replay a trace against exit modules and report what they did"},
	{"demo", xb_cli_demo, "replay the bundled demo trace against the bundled hello module"},
	{"inspect", xb_cli_inspect, "print every property the engine would serve for a file"},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

void xb_cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("exitbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void xb_cli_print_error(const xb_error *err)
{
	char code[XB_HRESULT_BUFSIZE];
	if (err->source[0]) {
		fputs(err->source, stderr);
		if (err->line)
			fprintf(stderr, ":%d", err->line);
		if (err->column)
			fprintf(stderr, ":%d", err->column);
		fputs(": ", stderr);
	} else {
		fputs("exitbench: ", stderr);
	}
	fprintf(stderr, "%s", err->text[0] ? err->text : xb_hresult_format(err->code, code));
	if (err->text[0] && err->code != HRESULT_FROM_WIN32(ERROR_INVALID_DATA))
		fprintf(stderr, " (%s)", xb_hresult_format(err->code, code));
	fputc('\n', stderr);
}

int xb_cli_try_help(const char *verb)
{
	fprintf(stderr, "Try 'exitbench %s%s--help' for more information.\n", verb ? verb : "", verb ? " " : "");
	return XB_EXIT_USAGE;
}

static void usage(FILE *out)
{
	fputs("Usage: exitbench VERB [OPTION]... [ARGUMENT]...\n"
	      "Test AD CS exit modules on Linux: an emulated CA delivers recorded or\n"
	      "synthetic events to them and checks what they do.\n\n"
	      "Verbs:\n",
	      out);
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-9s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n  --help     print this help and exit\n"
	      "  --version  print the version and exit\n\n"
	      "'exitbench VERB --help' describes a verb. Exit status: 0 when every module\n"
	      "call succeeded without a contract violation, 1 when one failed or broke the\n"
	      "contract, 2 on bad usage or input. See exitbench(1).\n",
	      out);
}

int main(int argc, char **argv)
{
	/* Line by line, so the report interleaves with what modules log on stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		xb_cli_error("no verb given");
		return xb_cli_try_help(NULL);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return XB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("exitbench %s\n", xb_version());
		return XB_EXIT_OK;
	}
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	xb_cli_error("unknown verb '%s'", argv[1]);
	return xb_cli_try_help(NULL);
}
