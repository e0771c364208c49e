/*
 * check_mymodule: replays issued.jsonl against ./mymodule.so with the
 * exitbench command and checks what the module wrote and what the
 * replay reported. Run it where mymodule.so and issued.jsonl are
 * (`make check`); EXITBENCH names the command (default: exitbench).
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* What the module should write for issued.jsonl: its three certissued events. */
static const char expected_log[] =
	"42\t4400000042b742b5daba3d4deb000000000042\t2027-11-24T07:43:37Z\tUser\t"
	"CN=alice.smith, OU=Users, DC=corp, DC=local\n"
	"44\t4400000044c1f0e5a1b2c3d4e5000000000044\t2027-06-30T12:00:00Z\t1.3.6.1.4.1.311.21.8.1234.5678.1.2\t"
	"CN=web01.corp.local?OU=Admins\n"
	"45\t4400000045d2e1f6b2c3d4e5f6000000000045\t2026-12-31T23:59:59Z\t-\t-\n";

static char dir[256];      /* this test's scratch directory */
static char log_file[300]; /* dir/issued.log: where the module writes */
static char output[300];   /* dir/output.txt: what exitbench printed */
static char setting[320];  /* LogFile=dir/issued.log */

static void setup(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof(dir), "%s/check_mymodule.XXXXXX", tmp);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(log_file, sizeof(log_file), "%s/issued.log", dir);
	snprintf(output, sizeof(output), "%s/output.txt", dir);
	snprintf(setting, sizeof(setting), "LogFile=%s", log_file);
}

static void teardown(void)
{
	const char *names[] = {"issued.log", "output.txt", "report.xml"};
	char path[300];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * Runs `exitbench replay --module ./mymodule.so OPTIONS... issued.jsonl`
 * with its standard output and error in `output`; returns its exit status.
 */
static int replay(const char *const *options)
{
	const char *exitbench = getenv("EXITBENCH") ? getenv("EXITBENCH") : "exitbench";
	const char *argv[32] = {exitbench, "replay", "--module", "./mymodule.so"};
	size_t argc = 4;
	while (*options && argc < 30)
		argv[argc++] = *options++;
	argv[argc++] = "issued.jsonl";
	argv[argc] = NULL;

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&actions, 1, 2);
	pid_t pid;
	int status, err = posix_spawnp(&pid, exitbench, &actions, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	ck_assert_msg(err == 0, "cannot run %s: %s", exitbench, strerror(err));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "%s replay did not exit", exitbench);
	return WEXITSTATUS(status);
}

/* The file's text (up to 64 KiB), new; "" when it does not exist. */
static char *slurp(const char *path)
{
	char *text = calloc(1, 65536);
	ck_assert_ptr_nonnull(text);
	FILE *f = fopen(path, "r");
	if (f) {
		size_t len = fread(text, 1, 65535, f);
		text[len] = 0;
		fclose(f);
	}
	return text;
}

START_TEST(test_logs_each_issued_certificate)
{
	char report[300];
	snprintf(report, sizeof(report), "%s/report.xml", dir);
	const char *options[] = {"--set", setting, "--junit", report, NULL};
	ck_assert_int_eq(replay(options), 0);

	char *text = slurp(log_file);
	ck_assert_str_eq(text, expected_log);
	free(text);
	/* Initialize, three Notify(certissued) and the unload: the mask keeps the other events away. */
	text = slurp(report);
	ck_assert_msg(strstr(text, "tests=\"5\" failures=\"0\""), "JUnit report: %s", text);
	free(text);
}
END_TEST

START_TEST(test_not_configured_logs_nothing)
{
	const char *options[] = {NULL};
	ck_assert_int_eq(replay(options), 0);
	ck_assert_int_eq(access(log_file, F_OK), -1);
	char *text = slurp(output);
	ck_assert_msg(strstr(text, "MyModule: warning: LogFile is not set"), "output: %s", text);
	ck_assert_msg(strstr(text, "mask 0x000"), "output: %s", text);
	free(text);
}
END_TEST

START_TEST(test_unwritable_log_fails_notify)
{
	char missing[320];
	snprintf(missing, sizeof(missing), "LogFile=%s/no-such-directory/issued.log", dir);
	const char *options[] = {"--set", missing, NULL};
	ck_assert_int_eq(replay(options), 1);
	char *text = slurp(output);
	ck_assert_msg(strstr(text, "FAIL      module 1 Notify certissued (event 2, line 3): "
				   "HRESULT_FROM_WIN32(ERROR_WRITE_FAULT)"),
		      "output: %s", text);
	ck_assert_msg(strstr(text, "MyModule: error: cannot append to"), "output: %s", text);
	free(text);
}
END_TEST

START_TEST(test_unreadable_subject_is_left_out)
{
	/* The CA fails every read of the subject: the line is still written, without it. */
	const char *options[] = {"--set", setting, "--inject", "error=E_OUTOFMEMORY,name=DistinguishedName", NULL};
	ck_assert_int_eq(replay(options), 0);
	char *text = slurp(log_file);
	ck_assert_msg(strstr(text, "\tUser\t-\n"), "log: %s", text);
	free(text);
	text = slurp(output);
	ck_assert_msg(strstr(text, "MyModule: warning: cannot read DistinguishedName: E_OUTOFMEMORY"), "output: %s",
		      text);
	free(text);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("mymodule");
	TCase *tc = tcase_create("replay");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_logs_each_issued_certificate);
	tcase_add_test(tc, test_not_configured_logs_nothing);
	tcase_add_test(tc, test_unwritable_log_fails_notify);
	tcase_add_test(tc, test_unreadable_subject_is_left_out);
	suite_add_tcase(suite, tc);

	SRunner *runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
