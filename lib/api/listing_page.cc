// A listing page streamed to the staged file's text; see the header.
#include "lib/api/listing_page.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "lib/api/staging.h"

namespace verdict::api {
namespace {

// nlohmann's SAX events written as the text Json::dump(2) gives the same
// value, one level in. Each scalar and key is written by dump() itself, so
// number and string formatting cannot drift from the DOM path; only the
// layout (brackets, separators, indentation) is written here.
class ListingPageSax {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  ListingPageSax(const std::function<absl::Status(std::string_view)>& write, ListingItemIds* ids)
      : write_(write), ids_(ids) {}

  const absl::Status& status() const { return status_; }

  bool null() { return Scalar(Json()); }
  bool boolean(bool value) { return Scalar(Json(value)); }
  bool number_integer(number_integer_t value) { return Scalar(Json(value)); }
  bool number_unsigned(number_unsigned_t value) { return Scalar(Json(value)); }
  bool number_float(number_float_t value, const string_t& /*text*/) { return Scalar(Json(value)); }
  bool string(string_t& value) { return Scalar(Json(std::move(value))); }
  bool binary(binary_t& /*value*/) {
    // Only the binary formats (CBOR, MessagePack, …) produce these.
    return Fail(absl::InvalidArgumentError("binary value in JSON text"));
  }

  bool start_object(std::size_t /*elements*/) { return Open(/*is_object=*/true); }
  bool start_array(std::size_t /*elements*/) { return Open(/*is_object=*/false); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(string_t& name) {
    Frame& object = frames_.back();
    if (!object.key_hashes.insert(absl::HashOf(std::string_view(name))).second) {
      // A hash, not the key, is kept per object: a page of one object with a
      // million keys must not cost a second copy of them. Two different keys
      // with the same 64-bit hash (≈ n²/2⁶⁵ for n keys) would be reported as
      // a repeat; Okta's objects have tens of keys.
      return Fail(absl::DataLossError(absl::StrCat(
          "the key ", QuotedKey(name), " appears twice in one object (item ", ids_->size(), ")")));
    }
    Separate(object);
    ++object.children;
    if (!Append(Json(name))) return false;
    buffer_.append(": ");
    expect_id_ = frames_.size() == 2 && name == "id";
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("listing page is not JSON at byte ", position, ": ", error.what())));
  }

  // Hands on what is left; call after a successful parse.
  bool Flush() {
    if (buffer_.empty()) return true;
    absl::Status s = write_(buffer_);
    buffer_.clear();
    return s.ok() || Fail(std::move(s));
  }

 private:
  struct Frame {
    bool is_object = false;
    int64_t children = 0;
    absl::flat_hash_set<size_t> key_hashes;  // objects only
  };

  bool Fail(absl::Status status) {
    if (status_.ok()) status_ = std::move(status);
    return false;
  }

  static std::string QuotedKey(const std::string& name) {
    absl::StatusOr<std::string> text = JsonText(Json(name.substr(0, 64)), -1);
    return text.ok() ? *text : "\"?\"";
  }

  void Indent(size_t depth) { buffer_.append(2 * depth, ' '); }

  // The separator before a child of `parent` (frames_[depth - 1]): a key's
  // or an array element's line. The page array's own children are the
  // listing's items, separated across pages by what `ids_` has seen.
  void Separate(Frame& parent) {
    const size_t depth = frames_.size();
    if (depth == 1) {
      buffer_.append(ids_->empty() ? "[\n  " : ",\n  ");
      return;
    }
    buffer_.append(parent.children == 0 ? "\n" : ",\n");
    Indent(depth);
  }

  // Before a value: its separator, unless a key was just written.
  bool BeforeValue() {
    if (frames_.empty()) {
      return Fail(absl::InvalidArgumentError("listing page is not a JSON array"));
    }
    Frame& parent = frames_.back();
    if (!parent.is_object) {
      Separate(parent);
      ++parent.children;
    }
    if (frames_.size() == 1) item_id_.reset();  // an item begins
    return true;
  }

  bool Scalar(const Json& value) {
    if (!BeforeValue()) return false;
    if (expect_id_) item_id_ = value;
    expect_id_ = false;
    if (!Append(value)) return false;
    if (frames_.size() == 1) EndItem(/*is_object=*/false);
    return MaybeFlush();
  }

  bool Open(bool is_object) {
    if (!frames_.empty()) {
      if (!BeforeValue()) return false;
      buffer_.push_back(is_object ? '{' : '[');
    }
    if (expect_id_) item_id_ = Json();  // an id that is not a string names no file
    expect_id_ = false;
    frames_.push_back(Frame{is_object, 0, {}});
    return true;
  }

  bool Close() {
    const size_t depth = frames_.size() - 1;
    const bool is_object = frames_.back().is_object;
    if (depth > 0) {
      if (frames_.back().children > 0) {
        buffer_.push_back('\n');
        Indent(depth);
      }
      buffer_.push_back(is_object ? '}' : ']');
    }
    frames_.pop_back();
    if (depth == 1) EndItem(is_object);
    return MaybeFlush();
  }

  void EndItem(bool is_object) {
    if (is_object && item_id_ && item_id_->is_string()) {
      ids_->AddId(item_id_->get_ref<const std::string&>());
    } else {
      ids_->AddNone();
    }
    item_id_.reset();
  }

  bool Append(const Json& value) {
    absl::StatusOr<std::string> text = JsonText(value, -1);
    if (!text.ok()) return Fail(text.status());
    buffer_.append(*text);
    return true;
  }

  bool MaybeFlush() { return buffer_.size() < kListingChunkBytes || Flush(); }

  const std::function<absl::Status(std::string_view)>& write_;
  ListingItemIds* ids_;
  absl::Status status_;
  std::string buffer_;
  std::vector<Frame> frames_;
  bool expect_id_ = false;       // the next value is an item's "id"
  std::optional<Json> item_id_;  // the current item's "id", once seen
};

}  // namespace

void ListingItemIds::AddId(std::string_view id) {
  packed_.push_back('s');
  // The length as a base-128 varint: one byte for any id Okta issues.
  for (uint64_t n = id.size();; n >>= 7) {
    const bool last = n < 0x80;
    packed_.push_back(static_cast<char>((n & 0x7f) | (last ? 0 : 0x80)));
    if (last) break;
  }
  packed_.append(id);
  ++items_;
}

void ListingItemIds::AddNone() {
  packed_.push_back('-');
  ++items_;
}

absl::StatusOr<std::vector<std::string>> ListingItemIds::Ids(std::string_view what,
                                                             const Redactor& redact) const {
  const absl::string_view shown_what(what.data(), what.size());
  std::vector<std::string> ids;
  size_t at = 0;
  for (int64_t i = 0; i < items_; ++i) {
    if (packed_[at++] != 's') {
      return absl::DataLossError(absl::StrCat(shown_what, ": item ", i, " has no string \"id\""));
    }
    uint64_t length = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<unsigned char>(packed_[at++]);
      length |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    std::string id = packed_.substr(at, length);
    at += length;
    if (!IsSafeId(id)) {
      const std::string shown = id.substr(0, 64);
      return absl::DataLossError(absl::StrCat(shown_what, ": item ", i,
                                              " has an id that cannot name a file: \"",
                                              redact ? redact(shown) : shown, "\""));
    }
    ids.push_back(std::move(id));
  }
  return ids;
}

absl::Status StreamListingPage(std::string_view array_text,
                               const std::function<absl::Status(std::string_view chunk)>& write,
                               ListingItemIds* ids) {
  const size_t first = array_text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || array_text[first] != '[') {
    return absl::InvalidArgumentError("listing page is not a JSON array");
  }
  ListingPageSax sax(write, ids);
  bool ok = false;
  try {
    ok = Json::sax_parse(array_text.data(), array_text.data() + array_text.size(), &sax) &&
         sax.Flush();
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("listing page: ", e.what()));
  }
  if (!ok) {
    return sax.status().ok() ? absl::InvalidArgumentError("listing page is not JSON")
                             : sax.status();
  }
  return absl::OkStatus();
}

}  // namespace verdict::api
