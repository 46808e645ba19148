#include "tools/policy-sim/cli_util.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace verdict::cli {

absl::Status LineReader::Open(const std::string& path) {
  line_number_ = 0;
  if (path == "-") {
    in_ = &std::cin;
    is_stdin_ = true;
    return absl::OkStatus();
  }
  file_.open(path, std::ios::in | std::ios::binary);
  if (!file_.is_open()) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  in_ = &file_;
  return absl::OkStatus();
}

bool LineReader::Next(std::string* line) {
  if (in_ == nullptr || !std::getline(*in_, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  ++line_number_;
  return true;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(Sv(text), ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

std::string JsonQuote(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> TakeFlagValue(const std::vector<std::string>& args, size_t* i,
                                         std::string_view name, bool* missing) {
  const std::string& arg = args[*i];
  if (arg == name) {
    if (*i + 1 >= args.size()) {
      *missing = true;
      return std::string();
    }
    ++*i;
    return args[*i];
  }
  if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 &&
      arg[name.size()] == '=') {
    return arg.substr(name.size() + 1);
  }
  return std::nullopt;
}

namespace {

// Display width: UTF-8 continuation bytes do not take a column.
size_t Width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void PrintRow(std::ostream& out, const std::vector<std::string>& cells,
              const std::vector<size_t>& widths) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    line += cells[c];
    if (c + 1 < cells.size()) line.append(widths[c] - Width(cells[c]) + 2, ' ');
  }
  out << line << '\n';
}

}  // namespace

void TextTable::AddRow(std::vector<std::string> cells, std::string below) {
  cells.resize(header_.size());
  entries_.push_back({std::move(cells), std::move(below)});
}

void TextTable::AddText(std::string text) { entries_.push_back({{}, std::move(text)}); }

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) widths[c] = Width(header_[c]);
  for (const Entry& e : entries_) {
    for (size_t c = 0; c < e.cells.size(); ++c) widths[c] = std::max(widths[c], Width(e.cells[c]));
  }
  PrintRow(out, header_, widths);
  std::vector<std::string> rule(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) {
    for (size_t k = 0; k < widths[c]; ++k) rule[c] += "─";
  }
  PrintRow(out, rule, widths);
  for (const Entry& e : entries_) {
    if (!e.cells.empty()) PrintRow(out, e.cells, widths);
    if (!e.below.empty()) {
      out << e.below;
      if (e.below.back() != '\n') out << '\n';
    }
  }
}

}  // namespace verdict::cli
