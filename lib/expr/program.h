// The compiler's entry point; the program's form is in
// verdict/expression_program.h (a tool header, so analysis tools can read it).
#ifndef VERDICT_LIB_EXPR_PROGRAM_H_
#define VERDICT_LIB_EXPR_PROGRAM_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/expression.h"
#include "verdict/expression_program.h"

namespace verdict::expr {

// Parses and compiles; errors read "col N: ...".
absl::StatusOr<std::unique_ptr<const Program>> Compile(std::string_view text,
                                                       const ExpressionEnv& env);

}  // namespace verdict::expr

#endif  // VERDICT_LIB_EXPR_PROGRAM_H_
