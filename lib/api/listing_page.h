// A listing page's items turned into the text of the staged listing file
// without building the page as a DOM (issue 17, item 6). A DOM of small
// objects costs 7–20 times its text, so a page at the 64 MiB body cap could
// take over a gigabyte; streamed, a page costs its text plus a bounded
// buffer. Pure (no I/O), so tests/api/fuzz_pull.cc checks it against the DOM
// it replaces. Internal to lib/api.
#ifndef VERDICT_LIB_API_LISTING_PAGE_H_
#define VERDICT_LIB_API_LISTING_PAGE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/api/response_page.h"

namespace verdict::api {

// Text is handed on in chunks of about this size, each ending between two
// JSON tokens (so a secret, which lies inside one string, is never cut in
// two before it is redacted).
inline constexpr size_t kListingChunkBytes = size_t{1} << 20;

// What the puller reads of a listing after writing it: per item, the "id"
// string of an object that has one. Packed into one buffer (a tag, a length
// and the id's bytes per item), so the ids of a page of tiny items cost less
// than the page's text; a DOM entry per item cost 8 to 20 times it.
class ListingItemIds {
 public:
  // An object whose "id" is a string.
  void AddId(std::string_view id);
  // Anything else: not an object, no "id", or an "id" that is not a string.
  void AddNone();

  int64_t size() const { return items_; }
  bool empty() const { return items_ == 0; }

  // The ids, each a safe file name (IsSafeId). DataLoss "<what>: item N has
  // no string \"id\"" or "... has an id that cannot name a file: \"…\"" (the
  // id redacted and cut) otherwise.
  absl::StatusOr<std::vector<std::string>> Ids(std::string_view what, const Redactor& redact) const;

 private:
  std::string packed_;
  int64_t items_ = 0;
};

// Streams the items of `array_text` (a JSON array that CheckResponseBody
// accepted) to `write`: each item as JsonText(listing, 2) writes it one level
// into the listing's array, preceded by "[\n  " when `ids` is empty (the
// listing's first item) and ",\n  " otherwise. Adds each item to `ids`.
//
// DataLoss "the key \"k\" appears twice in one object (item N)" for an
// object that repeats a key: a DOM keeps one of the two, a stream cannot, and
// Okta never repeats one. InvalidArgument when `array_text` is not a JSON
// array (CheckResponseBody was skipped). An error from `write` ends the
// stream with it. Never throws.
absl::Status StreamListingPage(std::string_view array_text,
                               const std::function<absl::Status(std::string_view chunk)>& write,
                               ListingItemIds* ids);

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_LISTING_PAGE_H_
