// OAuth 2.0 client credentials with private_key_jwt (RFC 7523): the private
// key, the signed client assertion, and the token response. Internal to
// lib/api; the HttpClient asks for tokens through these. OpenSSL (libcrypto)
// stays behind this header.
#ifndef VERDICT_LIB_API_OAUTH_H_
#define VERDICT_LIB_API_OAUTH_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "verdict/okta_client.h"

namespace verdict::api {

// A parsed private key and the JWS algorithm it signs with.
class SigningKey {
 public:
  // Parses an unencrypted PEM private key: RSA of 2048 bits or more (RS256),
  // EC on P-256 (ES256), P-384 (ES384) or P-521 (ES512). InvalidArgument
  // otherwise; the message never contains the key. `what` names the source
  // in messages ("--private-key key.pem").
  static absl::StatusOr<std::unique_ptr<SigningKey>> FromPem(std::string_view pem,
                                                             std::string_view what);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  const std::string& algorithm() const { return algorithm_; }  // "RS256", "ES256", …

  // The JWS signature of `signing_input` (raw bytes: for ES*, r || s of the
  // curve's size, not DER).
  absl::StatusOr<std::string> Sign(std::string_view signing_input) const;

 private:
  SigningKey(void* key, std::string algorithm) : key_(key), algorithm_(std::move(algorithm)) {}
  void* key_;  // EVP_PKEY*
  std::string algorithm_;
};

inline constexpr std::string_view kClientAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// base64url without padding (RFC 7515 §2).
std::string Base64Url(std::string_view bytes);

// A fresh client assertion: header {alg, typ: JWT, kid when set}, claims
// {iss = sub = client_id, aud = token_url, iat = now, exp = now + lifetime,
// jti = 128 random bits}, signed with `key`.
absl::StatusOr<std::string> ClientAssertion(const SigningKey& key, const OktaServiceApp& app,
                                            std::string_view token_url, absl::Time now);

// The form body of the token request (application/x-www-form-urlencoded).
std::string TokenRequestBody(const OktaServiceApp& app, std::string_view assertion);

// An access token and when to stop using it.
struct AccessToken {
  std::string token;
  absl::Time refresh_at;  // a little before it expires
};

// Reads a token endpoint's answer. For 2xx: the access token (token_type must
// be Bearer; a DPoP-bound token is refused with a message saying so), to be
// refreshed at received + expires_in - min(60 s, expires_in / 2). Otherwise
// Unauthenticated (400/401) or PermissionDenied (403) with the server's
// `error` and `error_description` and a hint for the usual causes.
absl::StatusOr<AccessToken> ParseTokenResponse(int http_status, std::string_view body,
                                               absl::Time received);

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_OAUTH_H_
