// A listing's JSON array written to its staged file page by page, as the
// pages arrive, so a pull holds one page's text in memory, not the whole
// listing nor a page's DOM (issue 17, item 6). The file reads as the array the pages make up (the
// same text as writing that array at once, indented by two). Internal to
// lib/api.
#ifndef VERDICT_LIB_API_LISTING_WRITER_H_
#define VERDICT_LIB_API_LISTING_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "lib/api/listing_page.h"
#include "lib/api/response_page.h"

namespace verdict::api {

class ListingWriter {
 public:
  // Creates `path` (and its parents). Every item's text goes through
  // `redact` before it is written. Check status() before use.
  ListingWriter(std::string path, Redactor redact);
  ~ListingWriter();  // closes; a listing not Finish()ed is removed
  ListingWriter(const ListingWriter&) = delete;
  ListingWriter& operator=(const ListingWriter&) = delete;

  // Why the file cannot be written (OK when it can).
  const absl::Status& status() const { return status_; }

  // Appends a page's items from its body (a JSON array CheckResponseBody
  // accepted), streamed without building the page (StreamListingPage, which
  // says what it refuses: the error names the file). Keeps, per item, only
  // its id (see ids()).
  absl::Status Append(std::string_view array_text);

  // Closes the array and flushes the file to disk.
  absl::Status Finish();

  // Per item written, its id if it has one (for the ids and counts).
  const ListingItemIds& ids() const { return ids_; }

 private:
  absl::Status Write(std::string_view text);

  std::string path_;
  Redactor redact_;
  absl::Status status_;
  int fd_ = -1;
  bool finished_ = false;
  ListingItemIds ids_;
};

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_LISTING_WRITER_H_
