// Tokens of the Okta Expression Language (SpEL subset, Part B §7).
#ifndef VERDICT_LIB_EXPR_LEXER_H_
#define VERDICT_LIB_EXPR_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace verdict::expr {

enum class Tok : uint8_t {
  kEnd,
  kIdent,
  kNumber,
  kString,
  kAnd,       // &&
  kOr,        // ||
  kNot,       // !
  kEq,        // ==
  kNe,        // !=
  kLt,        // <
  kGt,        // >
  kLe,        // <=
  kGe,        // >=
  kQuestion,  // ?
  kColon,     // :
  kLParen,
  kRParen,
  kLBrace,
  kRBrace,
  kLBracket,  // [
  kRBracket,  // ]
  kComma,
  kDot,
  kMinus,
};

struct Token {
  Tok kind = Tok::kEnd;
  int col = 1;       // 1-based column of the first character
  std::string text;  // identifier name, decoded string literal, or number text
  double number = 0;
};

// Splits `text` into tokens ending with kEnd. Errors read "col N: ...".
// Strings: '...' and "..." with the quote doubled to escape it (SpEL); a
// backslash is an ordinary character, so regex patterns need no doubling.
absl::StatusOr<std::vector<Token>> Lex(std::string_view text);

}  // namespace verdict::expr

#endif  // VERDICT_LIB_EXPR_LEXER_H_
