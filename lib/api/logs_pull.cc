// `policy-sim logs pull`: System Log events appended as JSON Lines, one page
// at a time, with a cursor file committed after each page so an interrupted
// pull resumes without losing or repeating an event.
//
// The commit protocol: (1) append the page's lines and fsync the file; (2)
// atomically replace FILE.cursor with {next URL, file length after the page}.
// A crash between (1) and (2) leaves bytes past the recorded length; resuming
// truncates them and fetches that page again.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "lib/api/http_client.h"
#include "lib/api/staging.h"
#include "verdict/okta_client.h"

namespace verdict {
namespace {

using api::Json;

Json QueryJson(const LogsPullOptions& o) {
  Json q = Json::object();
  q["since"] = o.since;
  q["until"] = o.until;
  q["filter"] = o.filter;
  q["q"] = o.q;
  q["limit"] = o.limit;
  return q;
}

std::string FirstUrl(const LogsPullOptions& o) {
  std::string url = "/api/v1/logs";
  char sep = '?';
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    absl::StrAppend(&url, std::string(1, sep), name, "=", api::PercentEncode(value));
    sep = '&';
  };
  add("since", o.since);
  add("until", o.until);
  add("filter", o.filter);
  add("q", o.q);
  if (o.limit > 0) add("limit", std::to_string(o.limit));
  add("after", o.after);
  return url;
}

absl::StatusOr<int64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return 0;
    return absl::InternalError(absl::StrCat("cannot stat ", path, ": ", std::strerror(errno)));
  }
  return static_cast<int64_t>(st.st_size);
}

absl::Status AppendDurably(int fd, const std::string& path, const std::string& text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(
          absl::StrCat("cannot append to ", path, ": ", std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    return absl::InternalError(absl::StrCat("cannot sync ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LogsPullReport> PullLogs(const LogsPullOptions& options) {
  const std::string& token = options.credential.token;
  auto redacted = [&](const absl::Status& s) {
    return absl::Status(s.code(),
                        EscapeControlCharacters(RedactSecret(std::string(s.message()), token)));
  };
  if (options.out_file.empty()) return absl::InvalidArgumentError("--out is required");
  if (options.limit < 0 || options.limit > 1000) {
    return absl::InvalidArgumentError("--limit must be between 1 and 1000");
  }
  auto client_or = api::HttpClient::Create(options.org_url, options.credential, options.http);
  if (!client_or.ok()) return redacted(client_or.status());
  api::HttpClient& client = **client_or;

  const std::string cursor_path = options.out_file + ".cursor";
  LogsPullReport report;
  std::string url;
  int64_t offset = 0;
  int64_t total_events = 0;
  Json query = QueryJson(options);

  std::ifstream cursor_in(cursor_path);
  if (cursor_in) {
    std::stringstream text;
    text << cursor_in.rdbuf();
    Json cursor = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!cursor.is_object() || !cursor.contains("offset") ||
        !cursor["offset"].is_number_integer()) {
      return absl::DataLossError(
          absl::StrCat(cursor_path, ": not a cursor file written by logs pull"));
    }
    if (cursor.value("org", "") != client.origin()) {
      return absl::FailedPreconditionError(absl::StrCat(
          cursor_path, " belongs to ", cursor.value("org", "?"), ", not ", client.origin()));
    }
    const Json stored = cursor.value("query", Json::object());
    for (const char* key : {"since", "until", "filter", "q"}) {
      const std::string given = query[key].get<std::string>();
      const std::string was = stored.value(key, "");
      if (!given.empty() && given != was) {
        return absl::FailedPreconditionError(
            absl::StrCat(cursor_path, " continues a query with --", key, " \"", was, "\", not \"",
                         given, "\"; use the same arguments, or another --out"));
      }
    }
    query = stored;
    report.resumed = true;
    offset = cursor["offset"].get<int64_t>();
    total_events = cursor.value("events", int64_t{0});
    if (cursor.value("complete", false) || !cursor.contains("next") ||
        !cursor["next"].is_string()) {
      report.complete = true;
      return report;
    }
    url = cursor["next"].get<std::string>();
    auto size = FileSize(options.out_file);
    if (!size.ok()) return size.status();
    if (*size < offset) {
      return absl::DataLossError(absl::StrCat(options.out_file, " is shorter (", *size,
                                              " bytes) than its cursor records (", offset,
                                              "); it was changed outside logs pull"));
    }
    if (*size > offset && ::truncate(options.out_file.c_str(), offset) != 0) {
      return absl::InternalError(
          absl::StrCat("cannot truncate ", options.out_file,
                       " to its last complete page: ", std::strerror(errno)));
    }
  } else {
    if (options.since.empty() && options.after.empty()) {
      return absl::InvalidArgumentError("--since is required (no cursor to resume from)");
    }
    url = FirstUrl(options);
    auto size = FileSize(options.out_file);
    if (!size.ok()) return size.status();
    offset = *size;
  }

  const int fd = ::open(options.out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open ", options.out_file, ": ", std::strerror(errno)));
  }
  absl::Status status;
  absl::flat_hash_set<std::string> fetched;  // URLs of this run's pages
  for (int page = 0;; ++page) {
    if (page >= options.http.max_pages) {
      status = absl::ResourceExhaustedError(
          absl::StrCat("more than ", options.http.max_pages, " pages; run again to continue"));
      break;
    }
    api::ApiResult result = client.GetJson(url);
    if (!result.status.ok()) {
      status = result.status;
      break;
    }
    if (!result.value.is_array()) {
      status = absl::DataLossError(
          absl::StrCat("GET /api/v1/logs: expected a JSON array, got ", result.value.type_name()));
      break;
    }
    std::string lines;
    for (const Json& event : result.value) {
      absl::StatusOr<std::string> line = api::JsonText(event, -1);
      if (!line.ok()) {
        status = absl::DataLossError(
            absl::StrCat("GET /api/v1/logs: an event: ", line.status().message()));
        break;
      }
      lines += *line;
      lines.push_back('\n');
    }
    if (!status.ok()) break;
    lines = client.Redact(lines);
    if (status = AppendDurably(fd, options.out_file, lines); !status.ok()) break;
    offset += static_cast<int64_t>(lines.size());
    const int64_t n = static_cast<int64_t>(result.value.size());
    total_events += n;
    report.events += n;
    ++report.pages;

    const std::string next = result.next_url;
    fetched.insert(client.AbsoluteUrl(url));
    // Events are appended as they come, so a next link back to any page
    // already fetched (A→B→A) would append them again: a cycle ends the run.
    if (!next.empty() && n > 0 && fetched.contains(client.AbsoluteUrl(next))) {
      status = absl::DataLossError(
          "GET /api/v1/logs: the next link returns to a page already fetched (a pagination "
          "cycle); stopping");
      break;
    }
    Json cursor = Json::object();
    cursor["formatVersion"] = 1;
    cursor["org"] = client.origin();
    cursor["query"] = query;
    cursor["next"] = next.empty() ? Json() : Json(next);
    cursor["offset"] = offset;
    cursor["events"] = total_events;
    cursor["complete"] = next.empty();
    if (status = api::ReplaceFileAtomically(cursor_path, cursor.dump(2) + "\n"); !status.ok())
      break;
    if (options.progress) {
      PullProgress p;
      p.endpoint = "/api/v1/logs";
      p.pages = report.pages;
      p.items = report.events;
      p.total_items = total_events;
      options.progress(p);
    }
    if (next.empty()) {
      report.complete = true;
      break;
    }
    // A polling query (no `until`) always has a next link; an empty page means
    // we are caught up. The cursor keeps the link for the next run.
    if (n == 0) break;
    url = next;
  }
  ::close(fd);
  report.requests = client.requests();
  report.retries = client.retries();
  if (!status.ok()) return redacted(status);
  return report;
}

}  // namespace verdict
