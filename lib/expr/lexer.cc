#include "lib/expr/lexer.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace verdict::expr {
namespace {

absl::Status ErrorAt(size_t pos, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("col ", pos + 1, ": ", std::string(message)));
}

bool IsIdentStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == '$'; }
bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '$'; }

}  // namespace

absl::StatusOr<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = text.size();
  auto emit = [&](Tok kind, size_t start, size_t len) {
    Token t;
    t.kind = kind;
    t.col = static_cast<int>(start) + 1;
    out.push_back(std::move(t));
    i = start + len;
  };
  while (i < n) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const char next = i + 1 < n ? text[i + 1] : '\0';
    if (IsIdentStart(c)) {
      size_t j = i + 1;
      while (j < n && IsIdentChar(text[j])) ++j;
      Token t;
      t.kind = Tok::kIdent;
      t.col = static_cast<int>(i) + 1;
      t.text = std::string(text.substr(i, j - i));
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    if (absl::ascii_isdigit(c)) {
      size_t j = i;
      while (j < n && absl::ascii_isdigit(text[j])) ++j;
      if (j + 1 < n && text[j] == '.' && absl::ascii_isdigit(text[j + 1])) {
        ++j;
        while (j < n && absl::ascii_isdigit(text[j])) ++j;
      }
      if (j < n && IsIdentChar(text[j])) return ErrorAt(j, "malformed number");
      Token t;
      t.kind = Tok::kNumber;
      t.col = static_cast<int>(i) + 1;
      t.text = std::string(text.substr(i, j - i));
      if (!absl::SimpleAtod(t.text, &t.number)) return ErrorAt(i, "malformed number");
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    if (c == '\'' || c == '"') {
      Token t;
      t.kind = Tok::kString;
      t.col = static_cast<int>(i) + 1;
      size_t j = i + 1;
      bool closed = false;
      while (j < n) {
        if (text[j] == c) {
          if (j + 1 < n && text[j + 1] == c) {  // doubled quote: one literal quote
            t.text.push_back(c);
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        t.text.push_back(text[j]);
        ++j;
      }
      if (!closed) return ErrorAt(i, "unterminated string literal");
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    switch (c) {
      case '&':
        if (next == '&') {
          emit(Tok::kAnd, i, 2);
          continue;
        }
        return ErrorAt(i, "unexpected '&' (use '&&')");
      case '|':
        if (next == '|') {
          emit(Tok::kOr, i, 2);
          continue;
        }
        return ErrorAt(i, "unexpected '|' (use '||')");
      case '=':
        if (next == '=') {
          emit(Tok::kEq, i, 2);
          continue;
        }
        return ErrorAt(i, "assignment '=' is not allowed (use '==')");
      case '!':
        if (next == '=') {
          emit(Tok::kNe, i, 2);
        } else {
          emit(Tok::kNot, i, 1);
        }
        continue;
      case '<':
        if (next == '=') {
          emit(Tok::kLe, i, 2);
        } else {
          emit(Tok::kLt, i, 1);
        }
        continue;
      case '>':
        if (next == '=') {
          emit(Tok::kGe, i, 2);
        } else {
          emit(Tok::kGt, i, 1);
        }
        continue;
      case '?':
        emit(Tok::kQuestion, i, 1);
        continue;
      case ':':
        emit(Tok::kColon, i, 1);
        continue;
      case '(':
        emit(Tok::kLParen, i, 1);
        continue;
      case ')':
        emit(Tok::kRParen, i, 1);
        continue;
      case '{':
        emit(Tok::kLBrace, i, 1);
        continue;
      case '}':
        emit(Tok::kRBrace, i, 1);
        continue;
      case '[':
        emit(Tok::kLBracket, i, 1);
        continue;
      case ']':
        emit(Tok::kRBracket, i, 1);
        continue;
      case ',':
        emit(Tok::kComma, i, 1);
        continue;
      case '.':
        emit(Tok::kDot, i, 1);
        continue;
      case '-':
        emit(Tok::kMinus, i, 1);
        continue;
      default:
        break;
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return ErrorAt(i, "unexpected character");
    }
    return ErrorAt(i, absl::StrCat("unexpected character '", std::string(1, c), "'"));
  }
  Token end;
  end.kind = Tok::kEnd;
  end.col = static_cast<int>(n) + 1;
  out.push_back(std::move(end));
  return out;
}

}  // namespace verdict::expr
