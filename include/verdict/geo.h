// Geolocation of client IPs from MaxMind databases (libmaxminddb): country and
// region (Country or City databases), autonomous system (ASN database) and
// anonymizer status (Anonymous-IP database), which dynamic zones match on.
#ifndef VERDICT_GEO_H_
#define VERDICT_GEO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/client_ip.h"
#include "verdict/context.h"
#include "verdict/export.h"
#include "verdict/ip_address.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {

namespace internal {
struct GeoDatabases;
}  // namespace internal

struct GeoOptions {
  // Walk every node of each database's search tree and decode every data
  // record once at open, so a corrupt file fails at open with a clear error
  // rather than at lookup time. Costs one pass over the file. Default true.
  bool verify_on_open = true;
  // Remember answers per thread (Lookup, Enrich): a direct-mapped table of
  // kGeoCacheSlots entries per thread, keyed by the address and this
  // resolver's generation (unique per Open, never reused, so a reopened or
  // replaced database is never answered from an older one's entries). No lock
  // and, after a thread's first lookup, no allocation. docs/performance.md
  // ("Geolocation lookups") has the measurements. Default true.
  bool cache = true;
};

// Entries of the per-thread lookup cache (a power of two).
inline constexpr size_t kGeoCacheSlots = 4096;

// What the databases say about one address. nullopt: no database of that kind
// is open, or it has no (valid) record for the address.
struct GeoAttributes {
  std::optional<ContextGeo> geo;
  std::optional<uint32_t> asn;
  // kNone when the Anonymous-IP database is open and does not list the address.
  std::optional<ProxyType> proxy_type;
};

// Immutable after Open(); Lookup() is const and safe from any number of
// threads (libmaxminddb reads the memory-mapped file without shared state).
class VERDICT_EXPORT GeoResolver {
 public:
  ~GeoResolver();
  GeoResolver(const GeoResolver&) = delete;
  GeoResolver& operator=(const GeoResolver&) = delete;

  // Opens every `*.mmdb` file in `directory` (or the single file `directory`
  // names) and classifies it by its metadata `database_type`: "*Country*" or
  // "*City*" → location, "*ASN*" → ASN, "*Anonymous-IP*" → anonymizer. A file
  // that fails to open or verify is an error naming the file; an unknown
  // database type is a warning. Problems are appended to `issues` (may be null).
  static absl::StatusOr<std::unique_ptr<GeoResolver>> Open(std::string_view directory,
                                                           IssueList* issues,
                                                           const GeoOptions& options = {});

  // What the databases say about `ip`, through the per-thread cache when
  // GeoOptions::cache is set. Safe from any number of threads.
  GeoAttributes Lookup(IpAddress ip) const;
  // The same answer, always read from the databases.
  GeoAttributes LookupUncached(IpAddress ip) const;

  // Fills what the context does not give itself (Part A §A2: context fields
  // override the databases) from the client IP of the chain, as determined
  // against the snapshot's proxies (DetermineClientIp).
  void Enrich(const Snapshot& snapshot, SignOnContext* context) const;

  // Which database kinds are open, for messages ("country, asn").
  std::string Describe() const;

 private:
  GeoResolver();
  std::unique_ptr<internal::GeoDatabases> dbs_;
  uint64_t generation_ = 0;  // this resolver's cache key; unique per Open
  bool cache_ = true;
};

}  // namespace verdict

#endif  // VERDICT_GEO_H_
