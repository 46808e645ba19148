/* The C API from C11, linked through `pkg-config --cflags --libs verdict`
 * only (scripts/test.sh): two threads evaluate the fixture contexts on one
 * engine, through the JSON path and the builder, while the main thread
 * reloads a snapshot that fails; every answer must equal the one computed
 * alone before the threads started, and the engine keeps answering.
 *
 * usage: c_api_threads_test SNAPSHOT_DIR CONTEXTS_JSONL
 * Prints "N passed, M failed"; exit status 0 only when M is 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <verdict/c_api.h>

enum { kMaxLines = 1024, kRounds = 20 };

static int passed = 0;
static int failed = 0;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) {                                            \
      ++passed;                                            \
    } else {                                               \
      ++failed;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

static verdict_engine* engine;
static char* lines[kMaxLines];
static char* expected[kMaxLines];
static size_t line_count;
static char* builder_expected;

/* One request through the builder, as a gateway worker makes it. */
static char* BuilderDecision(verdict_context* ctx, verdict_result* result) {
  static const char kXff[] = "203.0.113.7, 198.51.100.2";
  verdict_context_reset(ctx);
  verdict_context_set_id(ctx, "builder", 7);
  verdict_context_set_user_id(ctx, "00u1", 4);
  verdict_context_add_group(ctx, "00g1", 4);
  verdict_context_add_ip_list(ctx, kXff, sizeof kXff - 1);
  if (verdict_evaluate(engine, ctx, VERDICT_POLICY_OKTA_SIGN_ON, result) != VERDICT_OK) {
    return NULL;
  }
  return verdict_result_json(result, 0);
}

typedef struct {
  int mismatches;
  int evaluations;
} WorkerReport;

static int Worker(void* arg) {
  WorkerReport* report = arg;
  verdict_context* ctx = verdict_context_new();
  verdict_result* result = verdict_result_new();
  for (int round = 0; round < kRounds; ++round) {
    for (size_t i = 0; i < line_count; ++i) {
      char* out = verdict_evaluate_json(engine, lines[i], strlen(lines[i]));
      if (out == NULL || strcmp(out, expected[i]) != 0) ++report->mismatches;
      verdict_free(out);
      ++report->evaluations;
    }
    char* line = BuilderDecision(ctx, result);
    if (line == NULL || strcmp(line, builder_expected) != 0) ++report->mismatches;
    verdict_free(line);
  }
  verdict_result_free(result);
  verdict_context_free(ctx);
  return 0;
}

static void ReadLines(const char* path) {
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  static char buffer[1 << 16];
  while (line_count < kMaxLines && fgets(buffer, sizeof buffer, f) != NULL) {
    size_t n = strlen(buffer);
    while (n > 0 && (buffer[n - 1] == '\n' || buffer[n - 1] == '\r')) buffer[--n] = '\0';
    if (n == 0) continue;
    lines[line_count] = malloc(n + 1);
    memcpy(lines[line_count], buffer, n + 1);
    ++line_count;
  }
  fclose(f);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SNAPSHOT_DIR CONTEXTS_JSONL\n", argv[0]);
    return 2;
  }
  CHECK(verdict_version_number() ==
            VERDICT_VERSION_MAJOR * 10000 + VERDICT_VERSION_MINOR * 100 + VERDICT_VERSION_PATCH,
        "library %s (%d) is not this header's version", verdict_version(),
        verdict_version_number());

  char* error = NULL;
  CHECK(verdict_engine_open("/nonexistent/snapshot", &error) == NULL, "open of a missing dir");
  CHECK(error != NULL && strstr(error, "/nonexistent/snapshot") != NULL, "error: %s",
        error ? error : "(null)");
  verdict_free(error);
  error = NULL;
  engine = verdict_engine_open(argv[1], &error);
  if (engine == NULL) {
    fprintf(stderr, "open %s: %s\n", argv[1], error);
    return 2;
  }
  /* NULL handles are errors, not crashes. */
  char* null_engine = verdict_evaluate_json(NULL, "{}", 2);
  CHECK(null_engine != NULL && strstr(null_engine, "\"error\"") != NULL, "NULL engine");
  verdict_free(null_engine);
  CHECK(verdict_evaluate(engine, NULL, VERDICT_POLICY_ALL, NULL) == VERDICT_ERR_ARGUMENT,
        "NULL context");

  ReadLines(argv[2]);
  CHECK(line_count > 100, "%zu context lines", line_count);
  for (size_t i = 0; i < line_count; ++i) {
    expected[i] = verdict_evaluate_json(engine, lines[i], strlen(lines[i]));
    CHECK(expected[i] != NULL && strncmp(expected[i], "{\"id\": ", 7) == 0, "line %zu: %s", i + 1,
          expected[i] ? expected[i] : "(null)");
  }
  verdict_context* ctx = verdict_context_new();
  verdict_result* result = verdict_result_new();
  builder_expected = BuilderDecision(ctx, result);
  CHECK(builder_expected != NULL, "builder decision");
  char* bad = verdict_evaluate_json(engine, "{\"ipChain\": [\"1.2.3.4\", \"x\"]}", 29);
  CHECK(strstr(bad, "\"error\"") != NULL && strstr(bad, "/ipChain/1") != NULL, "malformed: %s",
        bad);
  verdict_free(bad);

  WorkerReport reports[2] = {{0, 0}, {0, 0}};
  thrd_t threads[2];
  for (int t = 0; t < 2; ++t) {
    CHECK(thrd_create(&threads[t], Worker, &reports[t]) == thrd_success, "thread %d", t);
  }
  /* Failed reloads while the threads evaluate: the old set keeps serving. */
  int failed_reloads = 0;
  for (int i = 0; i < 5; ++i) {
    error = NULL;
    const int status = verdict_engine_reload(engine, "/nonexistent/snapshot", &error);
    if (status == VERDICT_ERR_SNAPSHOT && error != NULL) ++failed_reloads;
    verdict_free(error);
  }
  CHECK(failed_reloads == 5, "failed reloads reported: %d of 5", failed_reloads);
  for (int t = 0; t < 2; ++t) thrd_join(threads[t], NULL);
  for (int t = 0; t < 2; ++t) {
    CHECK(reports[t].mismatches == 0, "thread %d: %d of %d answers differ", t,
          reports[t].mismatches, reports[t].evaluations);
    CHECK(reports[t].evaluations == (int)line_count * kRounds, "thread %d evaluated %d", t,
          reports[t].evaluations);
  }
  /* Still answering after the failed reloads, and a good reload works. */
  char* after = verdict_evaluate_json(engine, lines[0], strlen(lines[0]));
  CHECK(after != NULL && strcmp(after, expected[0]) == 0, "answer after failed reloads");
  verdict_free(after);
  CHECK(verdict_engine_reload(engine, argv[1], NULL) == VERDICT_OK, "good reload");

  for (size_t i = 0; i < line_count; ++i) {
    free(lines[i]);
    verdict_free(expected[i]);
  }
  verdict_free(builder_expected);
  verdict_result_free(result);
  verdict_context_free(ctx);
  verdict_engine_close(engine);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
