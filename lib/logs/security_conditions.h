// debugContext.debugData.securityConditions: the Expression Language
// conditions Okta evaluated for a sign-on, with their truth values, written
// as Java's toString of a list of maps:
//   "[{result=true, condition=security.risk.level == 'MEDIUM'},
//     {result=false, condition=security.userBehaviors['New Device'].detected}]"
#ifndef VERDICT_LIB_LOGS_SECURITY_CONDITIONS_H_
#define VERDICT_LIB_LOGS_SECURITY_CONDITIONS_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "verdict/system_log.h"

namespace verdict::logs {

// Parses the list. The format has no quoting of its own, so the reading is:
// elements are "{...}" separated by commas; brackets, braces and parentheses
// nest, and '...' / "..." strings of the expressions are skipped whole (as
// in the Expression Language, a quote inside is doubled, a backslash is an
// ordinary character), so a condition may contain ", ", '=', braces and
// quotes. Inside an element, pieces are split at commas outside any nesting
// (an Expression Language condition has none of its own); each piece is
// key=value split at its first '=' (a piece without '=' continues the
// previous value). Keys "result" (true/false, any case) and "condition" are
// required, in either order; other keys are ignored. "[]" is empty.
// InvalidArgument naming the problem otherwise.
absl::StatusOr<std::vector<SecurityCondition>> ParseSecurityConditions(std::string_view text);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_SECURITY_CONDITIONS_H_
