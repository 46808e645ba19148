/* Decide one request with the C API: open a snapshot once, then per request
 * fill a reused context and read the decision. docs/embedding.md shows this
 * file; scripts/test.sh builds it with `pkg-config --cflags --libs verdict`
 * and runs it on fixtures/org.
 *
 *   cc -std=c11 decide.c $(pkg-config --cflags --libs verdict) -o decide
 *   ./decide fixtures/org 00u1 00g1 "203.0.113.7, 198.51.100.2"
 */
#include <stdio.h>
#include <string.h>
#include <verdict/c_api.h>

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: decide SNAPSHOT_DIR USER_ID GROUP_ID X_FORWARDED_FOR\n");
    return 2;
  }
  char* error = NULL;
  verdict_engine* engine = verdict_engine_open(argv[1], &error);
  if (engine == NULL) {
    fprintf(stderr, "verdict: %s\n", error);
    verdict_free(error);
    return 2;
  }
  /* One context and one result per worker, reused for every request. */
  verdict_context* ctx = verdict_context_new();
  verdict_result* result = verdict_result_new();

  verdict_context_reset(ctx);
  verdict_context_set_id(ctx, "req-1", 5);
  verdict_context_set_user_id(ctx, argv[2], strlen(argv[2]));
  verdict_context_add_group(ctx, argv[3], strlen(argv[3]));
  if (verdict_context_add_ip_list(ctx, argv[4], strlen(argv[4])) != VERDICT_OK) {
    fprintf(stderr, "bad X-Forwarded-For: %s\n", verdict_context_errmsg(ctx));
    return 3;
  }
  verdict_evaluate(engine, ctx, VERDICT_POLICY_OKTA_SIGN_ON, result);

  const int outcome = verdict_result_outcome(result, 0);
  const char* rule = verdict_result_rule_name(result, 0);
  printf("%s%s by rule %s\n", verdict_outcome_name(outcome),
         verdict_result_blocked(result, 0) ? " (blocked zone)" : "", rule ? rule : "(none)");
  char* line = verdict_result_json(result, 0); /* the §3 decision object */
  printf("%s\n", line);
  verdict_free(line);

  verdict_result_free(result);
  verdict_context_free(ctx);
  verdict_engine_close(engine);
  return outcome == VERDICT_OUTCOME_ALLOW ? 0 : 1;
}
