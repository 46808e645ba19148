// A listing's JSON array written to its staged file page by page, as the
// pages arrive, so a pull holds one page in memory, not the whole listing
// (issue 17, item 6). The file reads as the array the pages make up (the
// same text as writing that array at once, indented by two). Internal to
// lib/api.
#ifndef VERDICT_LIB_API_LISTING_WRITER_H_
#define VERDICT_LIB_API_LISTING_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
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

  // Appends a page's items. Keeps, per item, only what the puller reads
  // afterwards: {"id": …} of an object that has one, null otherwise (see
  // ids()). DataLoss naming the file for an item that cannot be written as
  // JSON (a string that is not UTF-8).
  absl::Status Append(Json&& items);

  // Closes the array and flushes the file to disk.
  absl::Status Finish();

  // Per item written: {"id": …} or null, for ItemIds() and counts.
  const Json& ids() const { return ids_; }

 private:
  absl::Status Write(const std::string& text);

  std::string path_;
  Redactor redact_;
  absl::Status status_;
  int fd_ = -1;
  bool finished_ = false;
  Json ids_ = Json::array();
};

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_LISTING_WRITER_H_
