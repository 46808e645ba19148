// MaxMind lookups. Each database is opened once (memory-mapped by
// libmaxminddb) and only read afterwards, so lookups need no locks.
#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/geo/geo_cache.h"
#include "verdict/geo.h"

namespace verdict {
namespace internal {

enum class GeoKind { kLocation, kAsn, kAnonymous };

struct GeoDatabase {
  GeoKind kind;
  std::string path;
  MMDB_s mmdb;
};

struct GeoDatabases {
  std::vector<std::unique_ptr<GeoDatabase>> databases;
  ~GeoDatabases() {
    for (auto& db : databases) MMDB_close(&db->mmdb);
  }
};

}  // namespace internal

namespace {

using internal::GeoDatabase;
using internal::GeoKind;

// Decodes the data record at `offset` completely, so a corrupt record fails
// here rather than during a lookup.
int DecodeRecord(MMDB_s* mmdb, uint64_t offset) {
  MMDB_entry_s entry{mmdb, static_cast<uint32_t>(offset)};
  MMDB_entry_data_list_s* list = nullptr;
  const int status = MMDB_get_entry_data_list(&entry, &list);
  MMDB_free_entry_data_list(list);
  return status;
}

// Walks every node of the search tree; every record must be a node index, the
// empty marker (node_count) or a pointer into the data section that decodes.
std::string VerifyDatabase(MMDB_s* mmdb) {
  const uint32_t node_count = mmdb->metadata.node_count;
  const uint64_t data_limit = static_cast<uint64_t>(node_count) + 16 + mmdb->data_section_size;
  absl::flat_hash_set<uint64_t> decoded;
  for (uint32_t n = 0; n < node_count; ++n) {
    MMDB_search_node_s node;
    const int status = MMDB_read_node(mmdb, n, &node);
    if (status != MMDB_SUCCESS) {
      return absl::StrCat("search tree node ", n, ": ", MMDB_strerror(status));
    }
    for (auto [record, type] : {std::pair{node.left_record, node.left_record_type},
                                std::pair{node.right_record, node.right_record_type}}) {
      if (type == MMDB_RECORD_TYPE_INVALID || record > data_limit) {
        return absl::StrCat("search tree node ", n, " points outside the file (record ", record,
                            ")");
      }
      if (type != MMDB_RECORD_TYPE_DATA) continue;
      if (record < static_cast<uint64_t>(node_count) + 16) {
        return absl::StrCat("search tree node ", n,
                            " points into the data section separator (record ", record, ")");
      }
      const uint64_t offset = record - node_count - 16;
      if (!decoded.insert(offset).second) continue;
      const int decode_status = DecodeRecord(mmdb, offset);
      if (decode_status != MMDB_SUCCESS) {
        return absl::StrCat("data record at offset ", offset, " (from node ", n,
                            "): ", MMDB_strerror(decode_status));
      }
    }
  }
  return "";
}

std::optional<GeoKind> KindOf(std::string_view type_std) {
  const absl::string_view type(type_std.data(), type_std.size());
  if (absl::StrContains(type, "Anonymous-IP")) return GeoKind::kAnonymous;
  if (absl::StrContains(type, "ASN")) return GeoKind::kAsn;
  if (absl::StrContains(type, "City") || absl::StrContains(type, "Country")) {
    return GeoKind::kLocation;
  }
  return std::nullopt;
}

// Reads a string at `path` (a NULL-terminated list) of a found entry.
std::optional<std::string> GetString(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return std::nullopt;
  }
  return std::string(data.utf8_string, data.data_size);
}

bool GetBool(MMDB_entry_s* entry, const char* key) {
  const char* path[] = {key, nullptr};
  MMDB_entry_data_s data;
  return MMDB_aget_value(entry, &data, path) == MMDB_SUCCESS && data.has_data &&
         data.type == MMDB_DATA_TYPE_BOOLEAN && data.boolean;
}

// Looks `ip` up; nullopt when not found or on a lookup error.
std::optional<MMDB_entry_s> Find(const GeoDatabase& db, IpAddress ip) {
  sockaddr_storage storage{};
  if (ip.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(static_cast<uint32_t>(absl::Uint128Low64(ip.value())));
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    const uint64_t hi = absl::Uint128High64(ip.value());
    const uint64_t lo = absl::Uint128Low64(ip.value());
    for (int i = 0; i < 8; ++i) {
      sin6->sin6_addr.s6_addr[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
      sin6->sin6_addr.s6_addr[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
    }
  }
  int mmdb_error = MMDB_SUCCESS;
  MMDB_lookup_result_s result = MMDB_lookup_sockaddr(
      const_cast<MMDB_s*>(&db.mmdb), reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
  if (mmdb_error != MMDB_SUCCESS || !result.found_entry) return std::nullopt;
  return result.entry;
}

}  // namespace

// ------------------------------------------------------------ lookup cache

namespace {

// Generations start at 1 so a zeroed slot matches no resolver.
std::atomic<uint64_t> g_next_generation{1};

struct GeoCacheSlot {
  uint64_t generation = 0;
  IpAddress ip;
  GeoAttributes attrs;
};

// This thread's table, allocated on its first lookup. Threads never share
// slots, so neither reads nor writes need a lock; resolvers share a thread's
// slots and tell their entries apart by generation.
GeoCacheSlot* ThreadCacheSlots() {
  thread_local std::unique_ptr<GeoCacheSlot[]> slots(new GeoCacheSlot[kGeoCacheSlots]);
  return slots.get();
}

size_t SlotOf(IpAddress ip) {
  const absl::uint128 v = ip.value();
  const uint64_t mixed =
      (absl::Uint128Low64(v) ^ (absl::Uint128High64(v) * 0x9e3779b97f4a7c15ULL)) *
      0xbf58476d1ce4e5b9ULL;
  static_assert((kGeoCacheSlots & (kGeoCacheSlots - 1)) == 0, "kGeoCacheSlots: power of two");
  return static_cast<size_t>(mixed >> 32) & (kGeoCacheSlots - 1);
}

}  // namespace

namespace internal {
GeoCacheCounters& ThreadGeoCacheCounters() {
  thread_local GeoCacheCounters counters;
  return counters;
}
}  // namespace internal

GeoAttributes GeoResolver::Lookup(IpAddress ip) const {
  if (!cache_) return LookupUncached(ip);
  GeoCacheSlot& slot = ThreadCacheSlots()[SlotOf(ip)];
  internal::GeoCacheCounters& counters = internal::ThreadGeoCacheCounters();
  if (slot.generation == generation_ && slot.ip == ip) {
    ++counters.hits;
    return slot.attrs;
  }
  ++counters.misses;
  slot.attrs = LookupUncached(ip);
  slot.ip = ip;
  slot.generation = generation_;
  return slot.attrs;
}

// ------------------------------------------------------------ resolver

GeoResolver::GeoResolver()
    : dbs_(std::make_unique<internal::GeoDatabases>()),
      generation_(g_next_generation.fetch_add(1, std::memory_order_relaxed)) {}
GeoResolver::~GeoResolver() = default;

absl::StatusOr<std::unique_ptr<GeoResolver>> GeoResolver::Open(std::string_view directory,
                                                               IssueList* issues,
                                                               const GeoOptions& options) {
  IssueList local;
  IssueList& out = issues != nullptr ? *issues : local;
  namespace fs = std::filesystem;
  const fs::path root{std::string(directory)};
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) {
    files.push_back(root);
  } else if (fs::is_directory(root, ec)) {
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (entry.path().extension() == ".mmdb") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    return absl::NotFoundError(absl::StrCat(root.string(), ": no such file or directory"));
  }
  if (files.empty()) {
    return absl::NotFoundError(absl::StrCat(root.string(), ": no .mmdb files"));
  }
  auto resolver = std::unique_ptr<GeoResolver>(new GeoResolver());
  resolver->cache_ = options.cache;
  std::string first_error;
  for (const fs::path& file : files) {
    auto error = [&](std::string message) {
      out.push_back(Issue{Issue::Severity::kError, "geo.bad_database", file.string(), "",
                          std::move(message)});
      if (first_error.empty()) first_error = out.back().ToString();
    };
    auto db = std::make_unique<GeoDatabase>();
    db->path = file.string();
    const int status = MMDB_open(db->path.c_str(), MMDB_MODE_MMAP, &db->mmdb);
    if (status != MMDB_SUCCESS) {
      error(absl::StrCat("cannot open MaxMind database: ", MMDB_strerror(status)));
      continue;
    }
    if (options.verify_on_open) {
      const std::string problem = VerifyDatabase(&db->mmdb);
      if (!problem.empty()) {
        error(absl::StrCat("corrupt MaxMind database: ", problem));
        MMDB_close(&db->mmdb);
        continue;
      }
    }
    const char* type = db->mmdb.metadata.database_type;
    const std::optional<GeoKind> kind = KindOf(type != nullptr ? type : "");
    if (!kind.has_value()) {
      out.push_back(Issue{Issue::Severity::kWarning, "geo.unknown_database_type", file.string(), "",
                          absl::StrCat("database type \"", type ? type : "",
                                       "\" is not Country, City, ASN or Anonymous-IP; ignored")});
      MMDB_close(&db->mmdb);
      continue;
    }
    db->kind = *kind;
    resolver->dbs_->databases.push_back(std::move(db));
  }
  if (!first_error.empty()) return absl::InvalidArgumentError(first_error);
  if (resolver->dbs_->databases.empty()) {
    out.push_back(Issue{Issue::Severity::kError, "geo.no_database", root.string(), "",
                        "no Country, City, ASN or Anonymous-IP database found"});
    return absl::InvalidArgumentError(out.back().ToString());
  }
  return resolver;
}

GeoAttributes GeoResolver::LookupUncached(IpAddress ip) const {
  GeoAttributes attrs;
  for (const auto& db : dbs_->databases) {
    std::optional<MMDB_entry_s> entry = Find(*db, ip);
    switch (db->kind) {
      case GeoKind::kLocation: {
        if (!entry || attrs.geo.has_value()) break;
        static const char* const kCountry[] = {"country", "iso_code", nullptr};
        static const char* const kRegion[] = {"subdivisions", "0", "iso_code", nullptr};
        std::optional<std::string> country = GetString(&*entry, kCountry);
        if (!country) break;
        ContextGeo geo;
        geo.country = absl::AsciiStrToUpper(*country);
        if (std::optional<std::string> region = GetString(&*entry, kRegion)) {
          geo.region = absl::StrCat(geo.country, "-", absl::AsciiStrToUpper(*region));
        }
        attrs.geo = geo;
        break;
      }
      case GeoKind::kAsn: {
        if (!entry || attrs.asn.has_value()) break;
        const char* path[] = {"autonomous_system_number", nullptr};
        MMDB_entry_data_s data;
        if (MMDB_aget_value(&*entry, &data, path) == MMDB_SUCCESS && data.has_data &&
            data.type == MMDB_DATA_TYPE_UINT32) {
          attrs.asn = data.uint32;
        }
        break;
      }
      case GeoKind::kAnonymous: {
        if (attrs.proxy_type.has_value() && *attrs.proxy_type != ProxyType::kNone) break;
        if (!entry) {
          attrs.proxy_type = ProxyType::kNone;
          break;
        }
        if (GetBool(&*entry, "is_tor_exit_node")) {
          attrs.proxy_type = ProxyType::kTor;
        } else if (GetBool(&*entry, "is_anonymous") || GetBool(&*entry, "is_anonymous_vpn") ||
                   GetBool(&*entry, "is_hosting_provider") || GetBool(&*entry, "is_public_proxy") ||
                   GetBool(&*entry, "is_residential_proxy")) {
          attrs.proxy_type = ProxyType::kAnonymizer;
        } else {
          attrs.proxy_type = ProxyType::kNone;
        }
        break;
      }
    }
  }
  return attrs;
}

void GeoResolver::Enrich(const Snapshot& snapshot, SignOnContext* context) const {
  if (context->geo.has_value() && context->asn.has_value() && context->proxy_type.has_value()) {
    return;
  }
  const std::optional<IpAddress> client = DetermineClientIp(snapshot, context->ip_chain);
  if (!client.has_value()) return;
  const GeoAttributes attrs = Lookup(*client);
  if (!context->geo.has_value()) context->geo = attrs.geo;
  if (!context->asn.has_value()) context->asn = attrs.asn;
  if (!context->proxy_type.has_value()) context->proxy_type = attrs.proxy_type;
}

std::string GeoResolver::Describe() const {
  std::vector<std::string> parts;
  for (const auto& db : dbs_->databases) {
    const char* kind = db->kind == GeoKind::kLocation ? "location"
                       : db->kind == GeoKind::kAsn    ? "asn"
                                                      : "anonymous-ip";
    parts.push_back(absl::StrCat(kind, " (", db->path, ")"));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace verdict
