// LogReader: slices System Log input into events without parsing them.
//
// The scanner only tracks strings, escapes and bracket depth, so one pass over
// the bytes finds where each event starts and ends; ParseLogEvent() does the
// real parsing. Input is read in chunks; the buffer holds the unconsumed tail
// of the last chunk plus the event being sliced, never the whole input.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_padding.h"
#include "verdict/system_log.h"

namespace verdict {

// MADV_POPULATE_READ (Linux 5.14), spelled out for older headers.
#ifdef MADV_POPULATE_READ
constexpr int kPopulateRead = MADV_POPULATE_READ;
#else
constexpr int kPopulateRead = 22;
#endif

// Bracket kinds SliceValue keeps per value: the event parser's own depth
// limit (logs::kMaxLogEventDepth), plus one for the level that exceeds it.
constexpr size_t kMaxTrackedDepth = 257;

std::string LogEventPosition::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

void LogEventPosition::AppendTo(std::string* out) const {
  if (byte_offset == 0 && line == 0 && ordinal == 0) {
    out->append("<event>");
    return;
  }
  absl::StrAppend(out, "line ", line, " (byte ", byte_offset, ", event ", ordinal, ")");
}

struct LogReader::State {
  std::string name;
  LogReaderOptions options;
  LogFormat format = LogFormat::kAuto;
  gzFile file = nullptr;  // null: memory input (all of it already in `buffer`)
  bool compressed = false;
  bool eof = false;
  absl::Status error;  // a read failure, returned once the events before it are out

  // The input read so far but not consumed is buffer[0, filled); the
  // string's size only grows (to the largest window needed), so reading a
  // chunk never zero-fills it first.
  std::string buffer;
  size_t filled = 0;
  // Where the input bytes are: buffer.data(), or a plain file mapped whole
  // into memory (then there is nothing to Fill(): no read copies, no buffer).
  const char* data = nullptr;
  void* mapping = nullptr;
  size_t mapping_size = 0;
  size_t released = 0;   // mapped bytes before this were handed back (ReleaseConsumed)
  size_t populated = 0;  // mapped bytes before this were populated (ReleaseConsumed)
  size_t pos = 0;        // next unread byte in `buffer`
  uint64_t base = 0;     // input offset of buffer[0]
  uint64_t line = 1;     // line of data[pos]
  uint64_t ordinal = 0;  // events returned so far
  int array_depth = 0;   // inside a top-level array (kJsonArray)
  // The layout around data[pos], for finding the next element after one that
  // was never closed (SliceValue): bytes since the line began, and whether
  // they are all blanks.
  uint64_t column = 0;
  bool line_blank = true;
  // The kinds of the brackets open in the value being sliced ('{' or '['),
  // innermost last; only the first kMaxTrackedDepth levels (deeper values
  // cannot parse anyway, and the stack stays small). Kept for its capacity.
  std::string open_brackets;

  ~State() {
    if (file != nullptr) gzclose(file);
    if (mapping != nullptr) munmap(mapping, mapping_size);
  }

  // Maps the file open on `fd` when it is a plain (not gzip) regular file
  // that is not empty, and returns true. False when it is anything else (a
  // pipe, gzip, empty) or cannot be mapped: the caller then reads it from the
  // same descriptor, which this leaves open and at its start either way (a
  // named pipe must not be opened twice: its writer may be gone by then).
  bool MapPlainFile(int fd) {
    struct stat st;
    unsigned char magic[2] = {0, 0};
    const bool plain = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                       !(pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
    void* m = plain ? mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0)
                    : MAP_FAILED;
    if (m == MAP_FAILED) return false;
    madvise(m, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
    mapping = m;
    mapping_size = static_cast<size_t>(st.st_size);
    data = static_cast<const char*>(m);
    filled = mapping_size;
    eof = true;
    return true;
  }

  // Hands consumed pages of a mapped file back, so that the resident memory
  // of a multi-gigabyte replay stays flat (they are only page cache, but
  // they would count as this process's).
  void ReleaseConsumed() {
    constexpr size_t kReleaseBytes = size_t{8} << 20;
    if (mapping == nullptr) return;
    if (pos >= populated) {
      // Maps the next window's pages in one call (Linux 5.14+; older kernels
      // refuse it and the pages fault in one by one, as before).
      const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
      const size_t from = pos / page * page;
      const size_t len = std::min(kReleaseBytes, mapping_size - from);
      madvise(static_cast<char*>(mapping) + from, len, kPopulateRead);
      populated = from + len;
    }
    if (pos - released < kReleaseBytes) return;
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t upto = pos / page * page;
    madvise(static_cast<char*>(mapping) + released, upto - released, MADV_DONTNEED);
    released = upto;
  }

  // Appends more input to `buffer`. False at end of input or on a read
  // failure (recorded in `error`). May move `buffer` contents: indexes other
  // than `pos` are invalid afterwards.
  bool Fill() {
    if (eof || file == nullptr) {
      eof = true;
      return false;
    }
    // Drop what has been consumed before growing.
    if (pos > 0 && pos >= filled / 2) {
      std::memmove(buffer.data(), buffer.data() + pos, filled - pos);
      filled -= pos;
      base += pos;
      pos = 0;
    }
    const size_t old = filled;
    if (buffer.size() < old + options.read_chunk_bytes) {
      buffer.resize(old + options.read_chunk_bytes);
    }
    data = buffer.data();
    const int n =
        gzread(file, buffer.data() + old, static_cast<unsigned>(options.read_chunk_bytes));
    if (n < 0) {
      int errnum = 0;
      const std::string msg = GzipMessage(&errnum);
      error = absl::DataLossError(
          absl::StrCat(name, errnum == Z_ERRNO ? ": read error: " : ": corrupt gzip input: ",
                       errnum == Z_ERRNO ? std::strerror(errno) : msg,
                       ReadSoFar(/*decompressed=*/errnum != Z_ERRNO)));
      eof = true;
      return false;
    }
    filled = old + static_cast<size_t>(n);
    if (old == 0 && base == 0) compressed = gzdirect(file) == 0;
    if (n == 0) {
      // gzread returns 0 at the end, and also for a truncated gzip member.
      int errnum = 0;
      const std::string msg = GzipMessage(&errnum);
      if (errnum == Z_BUF_ERROR) {
        error = absl::DataLossError(
            absl::StrCat(name, ": truncated gzip input", ReadSoFar(/*decompressed=*/true)));
      } else if (errnum != Z_OK) {
        error = absl::DataLossError(
            absl::StrCat(name, ": corrupt gzip input: ", msg, ReadSoFar(/*decompressed=*/true)));
      }
      eof = true;
      return false;
    }
    return true;
  }

  // zlib's message for the stream without the "<fd:3>: " it puts first for
  // a descriptor it was handed (gzdopen): messages name the file instead.
  std::string GzipMessage(int* errnum) {
    const char* msg = gzerror(file, errnum);
    absl::string_view m = msg == nullptr ? "" : msg;
    if (absl::StartsWith(m, "<fd:")) {
      if (const size_t colon = m.find(": "); colon != m.npos) m.remove_prefix(colon + 2);
    }
    return std::string(m);
  }

  // " after N bytes": how far the input was read. zlib drops what it had
  // decompressed in a read that fails, so this is where the last good read
  // ended, not where the corruption is.
  std::string ReadSoFar(bool decompressed) const {
    return absl::StrCat(" after ", base + filled, decompressed ? " decompressed bytes" : " bytes");
  }

  // Makes data[pos] available. False at end of input (or error).
  bool Available() {
    while (pos >= filled) {
      if (!Fill()) return false;
    }
    return true;
  }

  void Advance() {
    const char c = data[pos];
    if (c == '\n') {
      ++line;
      column = 0;
      line_blank = true;
    } else {
      ++column;
      if (c != ' ' && c != '\t' && c != '\r') line_blank = false;
    }
    ++pos;
  }

  // Skips whitespace (and, inside an array, commas). False at end of input.
  bool SkipSeparators(bool commas) {
    while (Available()) {
      const char c = data[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || (commas && c == ',')) {
        Advance();
      } else {
        return true;
      }
    }
    return false;
  }

  void StartEvent(RawLogEvent* event) {
    event->text.clear();
    event->truncated = false;
    event->position.ordinal = ++ordinal;
    event->position.byte_offset = base + pos;
    event->position.line = line;
  }

  // Slices one JSON value starting at data[pos]. Scalars (and garbage) end
  // at whitespace, ',' or a closing bracket on depth 0; objects and arrays at
  // their matching close. The first byte is always consumed. Returns false
  // (with `error` set) for an event longer than max_event_bytes.
  //
  // A value that is never closed (a cut member, an unbalanced brace) must
  // not run on into the values after it (issue 17, item 5): it ends where
  // the input shows that it was broken and a new value begins, and is then
  // reported malformed by the parser. Valid JSON as any writer lays it out
  // is never cut at these points:
  //   * '{' after ',' directly inside an object (never valid: a member needs
  //     a key): the next value starts at that '{';
  //   * '{' after ',' that begins a line at the column where this value
  //     began on a line of its own (a pretty-printed or one-per-line array
  //     or stream: a writer indents nested values further, or does not start
  //     a line with them);
  //   * the array's ']' closing this value's own '{';
  //   * '{' after ',' inside a nested array (an event's `target` or
  //     `request.ipChain`) when the object's first key is one only an event
  //     has at its top ("actor", "uuid", "published", "eventType"): Okta's
  //     LogEvent schema nests no object with those keys, so this is the next
  //     event after one cut inside such an array, on a compact line where
  //     no column tells;
  //   * the same '{' with an event's first key right after ',' inside a
  //     string: a string cut on a compact line, where the next event
  //     follows (valid JSON never has '{' ws* '"' + key inside a string);
  //   * a line break inside a string (JSON strings hold none): the string is
  //     taken as closed there, so the next lines are read as structure.
  bool SliceValue(RawLogEvent* event) {
    StartEvent(event);
    size_t start = pos;
    int depth = 0;
    logs::JsonStringTracker strings;
    bool first = true;
    bool after_comma = false;  // the last byte outside strings but blanks was ','
    char previous = '\0';      // the byte before data[pos]
    const uint64_t start_column = column;
    const bool starts_its_line = line_blank;
    open_brackets.clear();
    while (true) {
      if (pos >= filled) {
        event->text.append(data + start, pos - start);
        if (event->text.size() > options.max_event_bytes) return Oversized(event);
        if (!Available()) {
          event->truncated = depth > 0 || strings.in_string;
          return true;
        }
        start = pos;
      }
      // A mapped file or memory input has no chunk ends to check at.
      if (pos - start > options.max_event_bytes) {
        event->text.append(data + start, options.max_event_bytes + 1);
        return Oversized(event);
      }
      const char c = data[pos];
      if (strings.in_string && (c == '\n' || c == '\r')) strings = logs::JsonStringTracker();
      if (strings.in_string && c == '{' && previous == ',' && depth > 0) {
        // A string cut on a compact line, and the next event after it (see
        // above): inside a valid string, '{' ws* '"' would have closed it
        // and be followed by the key as bare text, which JSON never allows.
        event->text.append(data + start, pos - start);
        const bool next_event = ObjectStartsWithAnEventKey();
        start = pos;
        if (next_event) break;
      }
      previous = c;
      const bool was_in_string = strings.in_string;
      if (!strings.Structural(c)) {
        first = false;
        after_comma = false;
        Advance();
        // A string that is the whole value ends with its closing quote.
        if (was_in_string && !strings.in_string && depth == 0) break;
        continue;
      }
      const char innermost = open_brackets.empty() ? '\0' : open_brackets.back();
      if (c == '{' || c == '[') {
        if (c == '{' && after_comma && depth > 0 &&
            (innermost == '{' || (starts_its_line && line_blank && column == start_column))) {
          break;  // the next value (see above)
        }
        if (c == '{' && after_comma && depth > 1 && innermost == '[') {
          // The lookahead may refill the buffer, which moves it.
          event->text.append(data + start, pos - start);
          const bool next_event = ObjectStartsWithAnEventKey();
          start = pos;
          if (next_event) break;
        }
        ++depth;
        if (open_brackets.size() < kMaxTrackedDepth) open_brackets.push_back(c);
      } else if (c == '}' || c == ']') {
        if (depth == 0 && !first) break;  // the enclosing array's close
        if (depth == 1 && c == ']' && innermost == '{' && array_depth > 0) break;
        if (depth > 0 && static_cast<size_t>(depth) <= open_brackets.size()) {
          open_brackets.pop_back();
        }
        if (depth > 0 && --depth == 0) {
          Advance();
          break;
        }
      } else if (depth == 0 && !first &&
                 (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        break;
      }
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') after_comma = c == ',';
      first = false;
      Advance();
    }
    event->text.append(data + start, pos - start);
    if (event->text.size() > options.max_event_bytes) return Oversized(event);
    return true;
  }

  bool Oversized(RawLogEvent* event) {
    error = absl::ResourceExhaustedError(
        absl::StrCat(name, ": ", event->position.ToString(), ": event longer than ",
                     options.max_event_bytes, " bytes; cannot continue"));
    return false;
  }

  // One line of JSON Lines input (without its line break). An over-long line
  // is cut to its first bytes and marked truncated.
  void SliceLine(RawLogEvent* event) {
    StartEvent(event);
    bool oversized = false;
    while (Available()) {
      const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', filled - pos));
      const size_t end = nl == nullptr ? filled : static_cast<size_t>(nl - data);
      if (!oversized) {
        // At most one byte past the limit is copied: a mapped file's
        // over-long line is not copied whole.
        const size_t take = std::min(end - pos, options.max_event_bytes + 1 - event->text.size());
        // One allocation that already holds the parser's padding.
        const size_t needed = event->text.size() + take + kLogEventPadding;
        if (event->text.empty() && event->text.capacity() < needed) {
          // A recycled event (the replay reuses its batches) whose buffer is
          // too small: reserve() would at least double its capacity
          // (libstdc++), and a batch keeps thousands of these buffers alive.
          // A fresh allocation, rounded up so similar events fit it later.
          std::string().swap(event->text);
          event->text.reserve((needed + 511) / 512 * 512);
        } else {
          event->text.reserve(needed);
        }
        event->text.append(data + pos, take);
        if (event->text.size() > options.max_event_bytes) {
          oversized = true;
          event->text.resize(80);
        }
      }
      pos = end;
      if (nl != nullptr) {
        Advance();  // the '\n'
        break;
      }
    }
    if (!event->text.empty() && event->text.back() == '\r') event->text.pop_back();
    event->truncated = oversized;
  }

  // The on-demand parser reads the event in place when kLogEventPadding
  // bytes of capacity follow it (RawLogEvent::text).
  static void Pad(RawLogEvent* event) {
    if (event->text.capacity() < event->text.size() + kLogEventPadding) {
      event->text.reserve(event->text.size() + kLogEventPadding);
    }
  }

  // Whether the object at data[pos] ('{') begins with a key that only a
  // System Log event has at its top level (see SliceValue). Looks at most a
  // few dozen bytes ahead; may refill the buffer (indexes but `pos` move).
  bool ObjectStartsWithAnEventKey() {
    static constexpr std::string_view kEventKeys[] = {"actor", "uuid", "published", "eventType"};
    constexpr size_t kLongestKey = 9;
    size_t rel = 1;
    std::string key;
    bool in_key = false;
    while (rel < 64) {
      if (pos + rel >= filled && !Fill()) return false;
      if (pos + rel >= filled) continue;
      const char c = data[pos + rel++];
      if (!in_key) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (c != '"') return false;
        in_key = true;
        continue;
      }
      if (c == '"') {
        for (std::string_view k : kEventKeys) {
          if (key == k) return true;
        }
        return false;
      }
      if (c == '\\' || key.size() == kLongestKey) return false;
      key.push_back(c);
    }
    return false;
  }

  // Whether the first non-blank line from data[pos + rel] starts with '{' in
  // its first column: the next event of JSON Lines whose first line is
  // malformed (unclosed). A pretty-printed value continues with an indented
  // member, a quote or a closing bracket instead, never an object in column
  // 0. Bounded by the event size limit like the scan that calls it.
  bool NextLineStartsAnEvent(size_t rel) {
    while (rel <= options.max_event_bytes) {
      if (pos + rel >= filled && !Fill()) return false;
      if (pos + rel >= filled) continue;
      const char c = data[pos + rel];
      if (c == '\n' || c == '\r') {
        ++rel;
        continue;
      }
      return c == '{';
    }
    return false;
  }

  // Decides kAuto from the first value: see LogReaderOptions::format.
  void DetectFormat() {
    if (!SkipSeparators(false)) {
      format = LogFormat::kJsonLines;
      return;
    }
    if (data[pos] == '[') {
      format = LogFormat::kJsonArray;
      return;
    }
    // Scan the first value without consuming it: does it end before a newline?
    size_t rel = 0;  // relative to pos, which Fill() keeps valid
    int depth = 0;
    logs::JsonStringTracker strings;
    while (true) {
      // The event size limit holds here too: a first value longer than it
      // (a gigabyte of NULs on one line) is not kept whole to find out; it
      // is read as a line, which SliceLine cuts at the limit and reports.
      if (rel > options.max_event_bytes) {
        format = LogFormat::kJsonLines;
        return;
      }
      if (pos + rel >= filled) {
        if (!Fill()) {
          format = LogFormat::kJsonLines;  // one unterminated line
          return;
        }
        continue;
      }
      const char c = data[pos + rel];
      if (!strings.Structural(c)) {
        // inside a string
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth <= 0) {
          format = LogFormat::kJsonLines;
          return;
        }
      } else if (c == '\n') {
        format = depth > 0 && !NextLineStartsAnEvent(rel + 1) ? LogFormat::kJsonStream
                                                              : LogFormat::kJsonLines;
        return;
      }
      ++rel;
    }
  }

  // End of input: false, or the read error that ended it.
  absl::StatusOr<bool> End() {
    if (!error.ok()) {
      absl::Status e = error;
      error = absl::OkStatus();
      return e;
    }
    return false;
  }
};

LogReader::LogReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
LogReader::~LogReader() = default;

absl::StatusOr<std::unique_ptr<LogReader>> LogReader::Open(std::string_view path,
                                                           const LogReaderOptions& options) {
  auto state = std::make_unique<State>();
  state->name = std::string(path);
  state->options = options;
  if (state->options.read_chunk_bytes == 0) state->options.read_chunk_bytes = 1 << 20;
  state->format = options.format;
  // One open() per input: zlib reads from the same descriptor when the file
  // is not mapped.
  const int fd = path == "-" ? dup(STDIN_FILENO) : open(state->name.c_str(), O_RDONLY | O_CLOEXEC);
  const int open_errno = fd < 0 ? errno : 0;
  if (path == "-") state->name = "<stdin>";
  if (fd >= 0 && path != "-" && options.map_plain_files && state->MapPlainFile(fd)) {
    close(fd);
    return std::unique_ptr<LogReader>(new LogReader(std::move(state)));
  }
  state->file = fd < 0 ? nullptr : gzdopen(fd, "rb");
  if (state->file == nullptr) {
    const int err = fd < 0 ? open_errno : errno;
    if (fd >= 0) close(fd);
    const std::string message = absl::StrCat(
        state->name, ": cannot open: ", err != 0 ? std::strerror(err) : "gzopen failed");
    if (err == ENOENT) return absl::NotFoundError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnavailableError(message);
  }
  gzbuffer(state->file, 1 << 17);
  return std::unique_ptr<LogReader>(new LogReader(std::move(state)));
}

std::unique_ptr<LogReader> LogReader::FromString(std::string data, std::string name,
                                                 const LogReaderOptions& options) {
  auto state = std::make_unique<State>();
  state->name = std::move(name);
  state->options = options;
  state->format = options.format;
  state->buffer = std::move(data);
  state->filled = state->buffer.size();
  state->data = state->buffer.data();
  state->eof = true;
  return std::unique_ptr<LogReader>(new LogReader(std::move(state)));
}

absl::StatusOr<bool> LogReader::Next(RawLogEvent* event) {
  State& s = *state_;
  s.ReleaseConsumed();
  if (s.format == LogFormat::kAuto) s.DetectFormat();
  if (s.format == LogFormat::kJsonLines) {
    while (s.Available()) {
      const char c = s.data[s.pos];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        // Blank lines (and indentation) are not events.
        s.Advance();
        continue;
      }
      s.SliceLine(event);
      State::Pad(event);
      return true;
    }
    return s.End();
  }
  // kJsonArray, kJsonStream.
  while (true) {
    if (!s.SkipSeparators(s.array_depth > 0)) return s.End();
    const char c = s.data[s.pos];
    if (s.format == LogFormat::kJsonArray && s.array_depth == 0 && c == '[') {
      s.Advance();
      s.array_depth = 1;
      continue;
    }
    if (s.array_depth > 0 && c == ']') {
      s.Advance();
      s.array_depth = 0;
      continue;
    }
    if (!s.SliceValue(event)) return s.End();
    State::Pad(event);
    // After a read error mid-event the (truncated) event comes first; the
    // error is returned by the next call.
    return true;
  }
}

const std::string& LogReader::name() const { return state_->name; }
LogFormat LogReader::format() const { return state_->format; }
bool LogReader::compressed() const { return state_->compressed; }

bool LogReader::mapped() const { return state_->mapping != nullptr; }

}  // namespace verdict
