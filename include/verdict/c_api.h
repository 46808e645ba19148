/* The C API of Verdict: the compiled engine behind a stable C ABI, for
 * gateways written in C (nginx, HAProxy), Lua (LuaJIT FFI), Go (cgo), Python
 * (ctypes) and Rust. docs/embedding.md shows each of them; the contract is
 * docs/embedding.md "ABI policy" (what may change within a major version).
 *
 *   #include <verdict/c_api.h>      cc app.c $(pkg-config --cflags --libs verdict)
 *
 * Shape (modelled on SQLite's C interface and libcurl's easy API):
 *   - Three opaque handles. A verdict_engine holds the current compiled
 *     snapshot and is shared by every thread. A verdict_context (the request's
 *     who/where/what) and a verdict_result (its decisions) belong to one
 *     thread at a time; a gateway keeps one of each per worker and reuses
 *     them, and then evaluating allocates nothing (see verdict_evaluate).
 *   - No C++ exception crosses this boundary: every entry point catches and
 *     turns a failure into a status code, an error string or an error object.
 *     A NULL handle or a NULL string is an error (VERDICT_ERR_ARGUMENT), never
 *     a crash.
 *   - Strings the library returns as `char*` are the caller's: free each one
 *     with verdict_free (never free()). Strings returned as `const char*` are
 *     the library's and stay valid as the function's comment says.
 *   - Strings passed in are (pointer, length) pairs, not necessarily
 *     NUL-terminated; the library copies what it keeps.
 *
 * The first seven functions are docs/interfaces.md §5 (fixed); the rest
 * extend it. C11 or C++; no dependency beyond <stddef.h> and <stdint.h>.
 */
#ifndef VERDICT_C_API_H_
#define VERDICT_C_API_H_

#include <stddef.h>
#include <stdint.h>

/* Also defined (identically) by verdict/export.h for the C++ headers. */
#ifndef VERDICT_EXPORT
#if defined(_WIN32)
#define VERDICT_EXPORT __declspec(dllexport)
#else
#define VERDICT_EXPORT __attribute__((visibility("default")))
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version this header describes. verdict_version() gives the library's
 * own, which may be newer within the same major (docs/embedding.md). */
#define VERDICT_VERSION_MAJOR 0
#define VERDICT_VERSION_MINOR 1
#define VERDICT_VERSION_PATCH 0

/* Status codes. 0 is success; the others say what kind of failure it was,
 * and the handle's message (verdict_context_errmsg, or the `error` out
 * parameter) says which. New codes may be added within a major version. */
#define VERDICT_OK 0
#define VERDICT_ERR_ARGUMENT 1 /* a NULL handle or string, an unknown name or index */
#define VERDICT_ERR_SNAPSHOT 2 /* the snapshot could not be loaded or compiled */
#define VERDICT_ERR_CONTEXT 3  /* a context value is malformed (message names its JSON pointer) */
#define VERDICT_ERR_INTERNAL 4 /* out of memory or an unexpected failure */

/* Policy types, in the order docs/interfaces.md and `policy-sim eval` use.
 * Values never change within a major version; new types are appended. */
#define VERDICT_POLICY_ALL (-1)     /* verdict_evaluate: the context's types, else the snapshot's */
#define VERDICT_POLICY_UNKNOWN (-2) /* verdict_policy_type_from_name: no such type */
#define VERDICT_POLICY_OKTA_SIGN_ON 0
#define VERDICT_POLICY_PASSWORD 1
#define VERDICT_POLICY_MFA_ENROLL 2
#define VERDICT_POLICY_ACCESS_POLICY 3
#define VERDICT_POLICY_IDP_DISCOVERY 4
#define VERDICT_POLICY_PROFILE_ENROLLMENT 5
#define VERDICT_POLICY_POST_AUTH_SESSION 6
#define VERDICT_POLICY_ENTITY_RISK 7
#define VERDICT_POLICY_SESSION_VIOLATION_DETECTION 8
#define VERDICT_POLICY_DEVICE_SIGNAL_COLLECTION 9
#define VERDICT_POLICY_CLIENT_UPDATE 10
#define VERDICT_POLICY_IDENTITY_CLAIM_SOURCING 11
#define VERDICT_POLICY_OAUTH_AUTHORIZATION_POLICY 12
#define VERDICT_POLICY_USER_LIFECYCLE 13

/* Outcomes of a decision (verdict_result_outcome). NONE: the type decides no
 * access (e.g. PASSWORD) or no rule matched. */
#define VERDICT_OUTCOME_NONE 0
#define VERDICT_OUTCOME_ALLOW 1
#define VERDICT_OUTCOME_DENY 2
#define VERDICT_OUTCOME_CHALLENGE 3

typedef struct verdict_engine verdict_engine;
typedef struct verdict_context verdict_context;
typedef struct verdict_result verdict_result;

/* ------------------------------------------------------------ §5: fixed */

/* The library's version, "MAJOR.MINOR.PATCH". Static storage; never NULL. */
VERDICT_EXPORT const char* verdict_version(void);

/* Loads and compiles the snapshot directory (docs/interfaces.md §1).
 * Returns a new engine, or NULL on failure with `*error` set to a message
 * naming the file and JSON pointer (free it with verdict_free; `error` may be
 * NULL). Warnings are not errors. Cost: the load and compile, once (tens of
 * milliseconds for a 10k-rule org). Thread-safe. */
VERDICT_EXPORT verdict_engine* verdict_engine_open(const char* snapshot_dir, char** error);

/* Loads and compiles `snapshot_dir` off to the side and swaps it in; threads
 * evaluating meanwhile are never blocked and finish on the set they started
 * with. Returns VERDICT_OK, or an error code with `*error` set (may be
 * NULL; free with verdict_free) — then the previous snapshot keeps serving.
 * Thread-safe, also against concurrent reloads (the last to finish wins). */
VERDICT_EXPORT int verdict_engine_reload(verdict_engine* engine, const char* snapshot_dir,
                                         char** error);

/* Evaluates one context given as JSON (docs/interfaces.md §2; `len` bytes,
 * NUL not needed) and returns what `policy-sim eval --output jsonl` prints
 * for it: one §3 decision object per line (each ending in '\n'), one line per
 * policy type — the context's `policyTypes`, else every type the snapshot
 * has. A malformed context, a NULL engine or NULL text gives one line
 * {"error": "..."} instead (the message names the JSON pointer). The caller
 * frees the string with verdict_free; NULL only when memory ran out.
 * Thread-safe. Cost: a JSON parse and one string per call (see
 * docs/performance.md); the builder below avoids both. */
VERDICT_EXPORT char* verdict_evaluate_json(verdict_engine* engine, const char* context_json,
                                           size_t len);

/* Frees a string this API returned (and `*error` strings). NULL is a no-op. */
VERDICT_EXPORT void verdict_free(void* p);

/* The warnings of the snapshot the engine currently serves (dangling ids,
 * expressions that do not compile, ...), one per line as "file: pointer:
 * message", or "" when there are none; what `policy-sim eval` prints as
 * "warning: ..." on stderr. NULL for a NULL engine or when memory ran out.
 * The caller frees it with verdict_free. Thread-safe. */
VERDICT_EXPORT char* verdict_engine_warnings(verdict_engine* engine);

/* Frees the engine. Results still holding decisions keep their snapshot
 * alive until they are freed or reused. NULL is a no-op. The caller makes
 * sure no other thread is using the engine. */
VERDICT_EXPORT void verdict_engine_close(verdict_engine* engine);

/* ------------------------------------------------------------ versions */

/* MAJOR * 10000 + MINOR * 100 + PATCH of the library (not of this header). */
VERDICT_EXPORT int verdict_version_number(void);

/* ------------------------------------------------------------ names */

/* "OKTA_SIGN_ON", ... for a VERDICT_POLICY_* value; NULL when out of range.
 * Static storage. */
VERDICT_EXPORT const char* verdict_policy_type_name(int policy_type);
/* The VERDICT_POLICY_* value of an exact upper-case name, or
 * VERDICT_POLICY_UNKNOWN (also for NULL). */
VERDICT_EXPORT int verdict_policy_type_from_name(const char* name, size_t len);
/* "ALLOW", "DENY", "CHALLENGE", or "" for VERDICT_OUTCOME_NONE; NULL when out
 * of range. Static storage. */
VERDICT_EXPORT const char* verdict_outcome_name(int outcome);

/* ------------------------------------------------------------ context builder
 *
 * A context filled field by field, without JSON: the request path of a
 * gateway. Reuse one per worker: verdict_context_reset clears every field
 * but keeps the memory, so after the first few requests setting fields
 * allocates nothing (except user profile attributes, a map). Not
 * thread-safe: one thread at a time per context.
 *
 * Every setter returns VERDICT_OK, VERDICT_ERR_ARGUMENT (NULL context or
 * string) or VERDICT_ERR_CONTEXT (a malformed value, e.g. an IP address); on
 * an error the field is left as it was and verdict_context_errmsg says what
 * was wrong, naming the field as the §2 JSON pointer ("/ipChain/1: ...").
 * Values are normalised as the JSON form is (upper case where §2 is). */

/* A new, empty context ({} in JSON). NULL when memory ran out. */
VERDICT_EXPORT verdict_context* verdict_context_new(void);
/* Frees it. NULL is a no-op. */
VERDICT_EXPORT void verdict_context_free(verdict_context* context);
/* Clears every field back to {} (and the error message), keeping memory. */
VERDICT_EXPORT int verdict_context_reset(verdict_context* context);
/* The message of the last failed setter (or ""), valid until the next call
 * on this context. Never NULL; "context is NULL" for a NULL context. */
VERDICT_EXPORT const char* verdict_context_errmsg(const verdict_context* context);

/* `id`: echoed in decision lines. */
VERDICT_EXPORT int verdict_context_set_id(verdict_context* context, const char* id, size_t len);
/* `policyTypes`: appends one type (VERDICT_POLICY_*) that VERDICT_POLICY_ALL
 * evaluates; none appended = every type the snapshot has. */
VERDICT_EXPORT int verdict_context_add_policy_type(verdict_context* context, int policy_type);
/* `app.id`. */
VERDICT_EXPORT int verdict_context_set_app(verdict_context* context, const char* app_id,
                                           size_t len);
/* `user.id`, `user.login`, `user.status` (upper-cased), `user.type`. */
VERDICT_EXPORT int verdict_context_set_user_id(verdict_context* context, const char* id,
                                               size_t len);
VERDICT_EXPORT int verdict_context_set_user_login(verdict_context* context, const char* login,
                                                  size_t len);
VERDICT_EXPORT int verdict_context_set_user_status(verdict_context* context, const char* status,
                                                   size_t len);
VERDICT_EXPORT int verdict_context_set_user_type(verdict_context* context, const char* type_id,
                                                 size_t len);
/* Appends one id to `user.groups`. */
VERDICT_EXPORT int verdict_context_add_group(verdict_context* context, const char* group_id,
                                             size_t len);
/* `user.profile[key] = value` (a string value). Allocates (a map node). */
VERDICT_EXPORT int verdict_context_set_user_profile(verdict_context* context, const char* key,
                                                    size_t key_len, const char* value,
                                                    size_t value_len);
/* `user.profile[key] = <value>` where `json` is one JSON value of any type
 * (7, true, null, ["a","b"], "text"): the Expression Language compares it
 * with its type (user.profile.level > 5). VERDICT_ERR_CONTEXT if it is not
 * JSON. Allocates. */
VERDICT_EXPORT int verdict_context_set_user_profile_json(verdict_context* context, const char* key,
                                                         size_t key_len, const char* json,
                                                         size_t json_len);
/* Appends one address (IPv4 or IPv6) to `ipChain` (client first, the hop
 * nearest the gateway last). VERDICT_ERR_CONTEXT if it is not an address. */
VERDICT_EXPORT int verdict_context_add_ip(verdict_context* context, const char* ip, size_t len);
/* Appends every address of a comma-separated list, as an X-Forwarded-For
 * header gives it ("203.0.113.7, 198.51.100.2"; spaces and tabs around
 * entries and empty entries are skipped). All or nothing: on a malformed
 * entry nothing is appended and the message names its /ipChain index. */
VERDICT_EXPORT int verdict_context_add_ip_list(verdict_context* context, const char* list,
                                               size_t len);
/* `geo.country` (ISO 3166-1 alpha-2) and `geo.region` ("US-CA"; may be
 * empty): the client IP's location, overriding geolocation. */
VERDICT_EXPORT int verdict_context_set_geo(verdict_context* context, const char* country,
                                           size_t country_len, const char* region,
                                           size_t region_len);
/* `asn`. */
VERDICT_EXPORT int verdict_context_set_asn(verdict_context* context, uint32_t asn);
/* `proxyType`: "TOR", "ANONYMIZER", or NULL / "" for JSON null (not a
 * proxy). */
VERDICT_EXPORT int verdict_context_set_proxy_type(verdict_context* context, const char* proxy_type,
                                                  size_t len);
/* `device.platform.type` (DESKTOP, MOBILE, OTHER) and `device.platform.os`
 * (IOS, ANDROID, MACOS, WINDOWS, CHROMEOS, LINUX, OTHER); either may be empty. */
VERDICT_EXPORT int verdict_context_set_device_platform(verdict_context* context,
                                                       const char* platform_type, size_t type_len,
                                                       const char* os, size_t os_len);
/* `device.registered`, `device.managed`: 1 true, 0 false, -1 not given. */
VERDICT_EXPORT int verdict_context_set_device_registered(verdict_context* context, int registered);
VERDICT_EXPORT int verdict_context_set_device_managed(verdict_context* context, int managed);
/* Appends one id to `device.assurance`. */
VERDICT_EXPORT int verdict_context_add_device_assurance(verdict_context* context,
                                                        const char* policy_id, size_t len);
/* `risk.level`: "LOW", "MEDIUM", "HIGH" (any case); "" clears it. */
VERDICT_EXPORT int verdict_context_set_risk(verdict_context* context, const char* level,
                                            size_t len);
/* Appends one behavior (name or id) to `behaviors`. */
VERDICT_EXPORT int verdict_context_add_behavior(verdict_context* context, const char* behavior,
                                                size_t len);
/* `authType`: ANY (the default), RADIUS, LDAP_INTERFACE. */
VERDICT_EXPORT int verdict_context_set_auth_type(verdict_context* context, const char* auth_type,
                                                 size_t len);
/* `identityProvider`: type "OKTA" (the default) or "IDP" with the IdP's id. */
VERDICT_EXPORT int verdict_context_set_identity_provider(verdict_context* context, const char* type,
                                                         size_t type_len, const char* idp_id,
                                                         size_t id_len);
/* `time`: the evaluation time, seconds since the Unix epoch (UTC). */
VERDICT_EXPORT int verdict_context_set_time(verdict_context* context, int64_t unix_seconds);

/* ------------------------------------------------------------ evaluation */

/* A new result holder. Reuse one per worker. NULL when memory ran out. */
VERDICT_EXPORT verdict_result* verdict_result_new(void);
/* Frees it (and releases the snapshot its decisions point into). NULL is a
 * no-op. */
VERDICT_EXPORT void verdict_result_free(verdict_result* result);

/* Evaluates `context` against the engine's current snapshot into `result`
 * (replacing what it held): one decision for `policy_type`, or with
 * VERDICT_POLICY_ALL one per type of the context's `policyTypes`, else of
 * the snapshot, in that order. Returns VERDICT_OK or VERDICT_ERR_ARGUMENT
 * (NULL handle, type out of range); on an error `result` holds no
 * decisions. Thread-safe on a shared engine with a context and result per
 * thread; never blocked by a reload. Allocation: none once the context and
 * result have been used a few times (docs/embedding.md; the exception is
 * Expression Language conditions that build strings, as in the C++
 * CompiledPolicySet::Evaluate). */
VERDICT_EXPORT int verdict_evaluate(verdict_engine* engine, const verdict_context* context,
                                    int policy_type, verdict_result* result);

/* Accessors of decision `i` (0 <= i < verdict_result_count). Strings are the
 * result's (NUL-terminated, valid until the result is reused or freed). Out
 * of range or a NULL result gives NULL / 0 / -1 as each says. */

/* Number of decisions held (0 for NULL). */
VERDICT_EXPORT size_t verdict_result_count(const verdict_result* result);
/* VERDICT_POLICY_* of the decision; -1 out of range. */
VERDICT_EXPORT int verdict_result_policy_type(const verdict_result* result, size_t i);
/* VERDICT_OUTCOME_*: ALLOW / DENY / CHALLENGE for OKTA_SIGN_ON and
 * ACCESS_POLICY, DENY for a blocked context of any type, NONE otherwise;
 * -1 out of range. */
VERDICT_EXPORT int verdict_result_outcome(const verdict_result* result, size_t i);
/* 1 when a blocklist zone blocked the context before any policy, else 0. */
VERDICT_EXPORT int verdict_result_blocked(const verdict_result* result, size_t i);
/* The blocking zone's id; NULL when not blocked. */
VERDICT_EXPORT const char* verdict_result_blocking_zone_id(const verdict_result* result, size_t i);
/* The matched policy's / rule's id and name; NULL when no policy or rule
 * matched (and when blocked). */
VERDICT_EXPORT const char* verdict_result_policy_id(const verdict_result* result, size_t i);
VERDICT_EXPORT const char* verdict_result_policy_name(const verdict_result* result, size_t i);
VERDICT_EXPORT const char* verdict_result_rule_id(const verdict_result* result, size_t i);
VERDICT_EXPORT const char* verdict_result_rule_name(const verdict_result* result, size_t i);
/* The rule's `signon.requireFactor`: 1 or 0 (0 without a rule). */
VERDICT_EXPORT int verdict_result_require_factor(const verdict_result* result, size_t i);
/* The rule's `actions` object as JSON, exactly as the snapshot has it ("{}"
 * when the rule has none); NULL without a rule. */
VERDICT_EXPORT const char* verdict_result_actions_json(const verdict_result* result, size_t i);
/* The decision as one §3 line (no newline), with the context's id as given
 * to verdict_evaluate. Allocates; free with verdict_free. NULL out of range. */
VERDICT_EXPORT char* verdict_result_json(const verdict_result* result, size_t i);

/* The combined Identity Engine outcome (the global session policy and the
 * app sign-in policy together: DENY if either denies, else CHALLENGE if
 * either challenges, else ALLOW — docs/semantics.md Part A §A1.6; with a
 * valid Okta session in the context, the app's outcome alone), when the
 * result holds both an OKTA_SIGN_ON and an ACCESS_POLICY decision (evaluate
 * with VERDICT_POLICY_ALL and both types); VERDICT_OUTCOME_NONE when either
 * side decided nothing; -1 when the result does not hold both or the
 * context has no app (as `policy-sim eval` adds "combined" only then). */
VERDICT_EXPORT int verdict_result_combined_outcome(const verdict_result* result);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* VERDICT_C_API_H_ */
