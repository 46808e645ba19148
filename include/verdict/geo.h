// Geolocation of client IPs from MaxMind databases (libmaxminddb): country and
// region (Country or City databases), autonomous system (ASN database) and
// anonymizer status (Anonymous-IP database), which dynamic zones match on.
#ifndef VERDICT_GEO_H_
#define VERDICT_GEO_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/client_ip.h"
#include "verdict/context.h"
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
};

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
class GeoResolver {
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

  GeoAttributes Lookup(IpAddress ip) const;

  // Fills what the context does not give itself (Part A §A2: context fields
  // override the databases) from the client IP of the chain, as determined
  // against the snapshot's proxies (DetermineClientIp).
  void Enrich(const Snapshot& snapshot, SignOnContext* context) const;

  // Which database kinds are open, for messages ("country, asn").
  std::string Describe() const;

 private:
  GeoResolver();
  std::unique_ptr<internal::GeoDatabases> dbs_;
};

}  // namespace verdict

#endif  // VERDICT_GEO_H_
