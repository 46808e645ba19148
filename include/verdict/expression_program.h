// Tool header: the compiled form of an Expression Language program, read-only,
// for analysis tools (policy-sim lint encodes expressions for a solver from
// it). A gateway never needs it; evaluation goes through CompiledExpression.
//
// A flat, immutable vector of nodes (children referenced by index), literal
// strings owned by the program, and regexes compiled once. Evaluation
// (lib/expr/evaluator.cc) walks it with no parsing.
#ifndef VERDICT_EXPRESSION_PROGRAM_H_
#define VERDICT_EXPRESSION_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "verdict/expression.h"

namespace verdict::expr {

enum class Op : uint8_t {
  kNull,
  kBool,
  kNumber,
  kString,
  kList,  // args: elements
  kMap,   // args: key string node, value node, key, value, ...
  kAttr,  // attr
  kNot,
  kNeg,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kGt,
  kLe,
  kGe,
  kTernary,  // args: condition, then, else
  kCall,     // fn; args: receiver first for methods
  kMember,   // a property of a computed value: Verdict has no object values → null
};

enum class Attr : uint8_t {
  kUserId,
  kUserLogin,
  kUserStatus,
  kUserType,
  kUserProfile,  // str = attribute name
  kRiskLevel,
  kBehaviors,
  kDeviceRegistered,
  kDeviceManaged,
  kDevicePlatform,
  kDeviceAssurance,
  kSessionAmr,
  kLoginIdentifier,
  kUnmodeled,  // an attribute Okta has and the context does not carry: null
};

enum class Fn : uint8_t {
  // String methods.
  kToUpperCase,
  kToLowerCase,
  kSubstring,
  kReplace,
  kReplaceFirst,
  kLength,
  kRemoveSpaces,
  kContains,  // strings and arrays
  kSubstringBefore,
  kSubstringAfter,
  kStartsWith,
  kEndsWith,
  kMatches,  // regex = index into Program::regexes
  kToInteger,
  kToNumber,
  // Array methods.
  kSize,
  kIsEmpty,
  kAdd,
  kRemove,
  // user.* functions (no receiver).
  kIsMemberOf,
  kGetGroups,
  kGetLinkedObject,
  // Classic aliases (no receiver).
  kIsMemberOfGroupName,
  kIsMemberOfGroupNameStartsWith,
  kIsMemberOfGroupNameContains,
  kIsMemberOfGroup,
  // Time (a Time value: an instant plus a fixed display offset).
  kNow,               // DateTime.now(): the context's `time`, never the wall clock
  kParseWindowsTime,  // string/number → Time (100 ns ticks since 1601-01-01 UTC)
  kParseUnixTime,     // string/number → Time (milliseconds since 1970-01-01 UTC)
  kParseStringTime,   // ISO 8601 string → Time
  kToWindows,         // Time → string
  kToUnix,            // Time → string
  kToString,          // Time → string; str = absl format (-1: ISO 8601 default)
  kToZone,            // Time → Time; number = offset in seconds east of UTC
  kPlusTime,          // number = seconds per unit (days 86400, ...)
  kMinusTime,
  kWithin,  // |now - t| <= n units; number = seconds per unit
};

struct Node {
  Op op = Op::kNull;
  Attr attr = Attr::kUnmodeled;
  Fn fn = Fn::kSize;
  bool boolean = false;
  double number = 0;
  int32_t str = -1;    // index into Program::strings
  int32_t regex = -1;  // index into Program::regexes
  uint32_t first_arg = 0;
  uint32_t num_args = 0;
  int col = 1;
};

struct Program {
  std::string text;
  std::vector<Node> nodes;
  std::vector<uint32_t> args;  // node indices, referenced by Node::first_arg
  std::vector<std::string> strings;
  std::vector<std::shared_ptr<const CompiledRegex>> regexes;
  uint32_t root = 0;
  int64_t max_steps = 0;
  int64_t max_built_bytes = 0;
};

}  // namespace verdict::expr

#endif  // VERDICT_EXPRESSION_PROGRAM_H_
