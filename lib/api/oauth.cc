// private_key_jwt with OpenSSL's EVP API: the key is parsed once, each token
// request signs a new assertion (a fresh jti, Okta refuses a reused one).
#include "lib/api/oauth.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/api/http_client.h"
#include "nlohmann/json.hpp"

namespace verdict {
namespace api {
namespace {

using OrderedJson = nlohmann::ordered_json;

EVP_PKEY* Key(void* p) { return static_cast<EVP_PKEY*>(p); }

// Refuses to prompt for a passphrase: an encrypted key fails to load.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::FromPem(std::string_view pem,
                                                                std::string_view what_view) {
  const std::string what(what_view);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::ResourceExhaustedError("BIO_new_mem_buf failed");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, &NoPassphrase, nullptr);
  BIO_free(bio);
  // OpenSSL's queued reasons name no key material, but they are not needed:
  // the message below says what to provide.
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        what,
        ": not an unencrypted PEM private key (want \"-----BEGIN PRIVATE KEY-----\", \"BEGIN RSA "
        "PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\"; decrypt an encrypted key first)"));
  }
  std::string algorithm;
  std::string problem;
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key) < 2048) {
      problem = absl::StrCat("an RSA key of ", EVP_PKEY_get_bits(key),
                             " bits; Okta requires 2048 bits or more");
    } else {
      algorithm = "RS256";
    }
  } else if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t length = 0;
    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &length);
    const std::string curve(group);
    if (curve == "prime256v1" || curve == "P-256") {
      algorithm = "ES256";
    } else if (curve == "secp384r1" || curve == "P-384") {
      algorithm = "ES384";
    } else if (curve == "secp521r1" || curve == "P-521") {
      algorithm = "ES512";
    } else {
      problem = absl::StrCat("an EC key on ", curve.empty() ? "an unknown curve" : curve,
                             "; want P-256, P-384 or P-521");
    }
  } else {
    problem = "neither an RSA nor an EC key";
  }
  ERR_clear_error();
  if (!problem.empty()) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", problem));
  }
  return std::unique_ptr<SigningKey>(new SigningKey(key, std::move(algorithm)));
}

SigningKey::~SigningKey() { EVP_PKEY_free(Key(key_)); }

absl::StatusOr<std::string> SigningKey::Sign(std::string_view signing_input) const {
  const EVP_MD* digest = algorithm_ == "ES384"   ? EVP_sha384()
                         : algorithm_ == "ES512" ? EVP_sha512()
                                                 : EVP_sha256();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return absl::ResourceExhaustedError("EVP_MD_CTX_new failed");
  size_t length = 0;
  std::string signature;
  bool ok = EVP_DigestSignInit(ctx, nullptr, digest, nullptr, Key(key_)) == 1 &&
            EVP_DigestSign(ctx, nullptr, &length,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                        reinterpret_cast<const unsigned char*>(signing_input.data()),
                        signing_input.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  if (!ok) return absl::InternalError("signing the client assertion failed (OpenSSL)");
  if (algorithm_[0] != 'E') return signature;
  // ECDSA: OpenSSL gives DER (SEQUENCE of r, s); JWS wants r || s, each
  // padded to the curve's size (RFC 7518 §3.4).
  const int half = algorithm_ == "ES256" ? 32 : algorithm_ == "ES384" ? 48 : 66;
  const unsigned char* der = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
  if (sig == nullptr) return absl::InternalError("cannot decode the ECDSA signature");
  std::string raw(2 * half, '\0');
  const bool padded =
      BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), half) ==
          half &&
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + half,
                   half) == half;
  ECDSA_SIG_free(sig);
  if (!padded) return absl::InternalError("cannot encode the ECDSA signature");
  return raw;
}

absl::StatusOr<std::string> ClientAssertion(const SigningKey& key, const OktaServiceApp& app,
                                            std::string_view token_url, absl::Time now) {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return absl::InternalError("no random bytes for the assertion's jti (OpenSSL)");
  }
  std::string jti;
  for (unsigned char c : random) absl::StrAppend(&jti, absl::Hex(c, absl::kZeroPad2));
  OrderedJson header = OrderedJson::object();
  header["alg"] = key.algorithm();
  header["typ"] = "JWT";
  if (!app.key_id.empty()) header["kid"] = app.key_id;
  OrderedJson claims = OrderedJson::object();
  claims["iss"] = app.client_id;
  claims["sub"] = app.client_id;
  claims["aud"] = std::string(token_url);
  claims["iat"] = absl::ToUnixSeconds(now);
  claims["exp"] = absl::ToUnixSeconds(now + app.assertion_lifetime);
  claims["jti"] = jti;
  const std::string signing_input =
      absl::StrCat(Base64Url(header.dump()), ".", Base64Url(claims.dump()));
  absl::StatusOr<std::string> signature = key.Sign(signing_input);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signing_input, ".", Base64Url(*signature));
}

std::string TokenRequestBody(const OktaServiceApp& app, std::string_view assertion) {
  return absl::StrCat(
      "grant_type=client_credentials&scope=", PercentEncode(absl::StrJoin(app.scopes, " ")),
      "&client_assertion_type=", PercentEncode(kClientAssertionType),
      "&client_assertion=", PercentEncode(assertion));
}

absl::StatusOr<AccessToken> ParseTokenResponse(int http_status, std::string_view body,
                                               absl::Time received) {
  const OrderedJson value = OrderedJson::parse(body, nullptr, /*allow_exceptions=*/false);
  auto text = [&](const char* key) -> std::string {
    if (!value.is_object() || !value.contains(key) || !value[key].is_string()) return "";
    return value[key].get<std::string>();
  };
  if (http_status >= 200 && http_status < 300) {
    const std::string token = text("access_token");
    if (token.empty()) {
      return absl::DataLossError("the token endpoint's answer has no access_token");
    }
    const std::string type = text("token_type");
    if (absl::AsciiStrToLower(type) == "dpop") {
      return absl::FailedPreconditionError(
          "the token endpoint issued a DPoP-bound token, which policy-sim cannot present: turn "
          "off \"Require Demonstrating Proof of Possession (DPoP)\" for the service app");
    }
    if (absl::AsciiStrToLower(type) != "bearer") {
      return absl::DataLossError(absl::StrCat("the token endpoint issued a token of type \"",
                                              type.substr(0, 32), "\", not Bearer"));
    }
    int64_t expires_in = 3600;
    if (value.contains("expires_in") && value["expires_in"].is_number_integer()) {
      expires_in = value["expires_in"].get<int64_t>();
    }
    const absl::Duration lifetime = absl::Seconds(std::max<int64_t>(0, expires_in));
    return AccessToken{token, received + lifetime - std::min(absl::Seconds(60), lifetime / 2)};
  }
  const std::string error = text("error");
  std::string message = absl::StrCat("POST /oauth2/v1/token: HTTP ", http_status);
  if (!error.empty()) absl::StrAppend(&message, ": ", error);
  if (const std::string description = text("error_description"); !description.empty()) {
    absl::StrAppend(&message, ": ", description);
  } else if (error.empty() && value.is_object() && value.contains("errorSummary") &&
             value["errorSummary"].is_string()) {
    absl::StrAppend(&message, ": ", value["errorSummary"].get<std::string>());
  }
  if (error == "invalid_scope") {
    absl::StrAppend(&message,
                    "; grant the scopes to the service app (Okta API Scopes tab) or ask for "
                    "fewer with --scopes");
  } else if (error == "invalid_client" || http_status == 401) {
    absl::StrAppend(&message,
                    "; the client assertion was refused: check --client-id, that --private-key "
                    "matches a public key registered for the app (and --key-id), and the "
                    "system clock");
  } else if (error == "unauthorized_client") {
    absl::StrAppend(&message,
                    "; the app must be an API Services app allowed the client_credentials grant");
  }
  if (http_status == 403) return absl::PermissionDeniedError(message);
  if (http_status >= 500) return absl::UnavailableError(message);
  return absl::UnauthenticatedError(message);
}

}  // namespace api

std::vector<std::string> DefaultPullScopes() {
  return {"okta.orgs.read",
          "okta.networkZones.read",
          "okta.policies.read",
          "okta.behaviors.read",
          "okta.groups.read",
          "okta.apps.read",
          "okta.idps.read",
          "okta.linkedObjects.read",
          "okta.profileMappings.read",
          "okta.roles.read",
          "okta.authorizationServers.read",
          "okta.users.read"};
}

std::vector<std::string> DefaultLogsPullScopes(bool with_memberships) {
  std::vector<std::string> scopes = {"okta.logs.read"};
  if (with_memberships) scopes.push_back("okta.users.read");
  return scopes;
}

absl::StatusOr<OktaCredential> ServiceAppCredential(std::string_view client_id,
                                                    std::string_view private_key_file,
                                                    std::string_view key_id,
                                                    std::vector<std::string> scopes) {
  if (client_id.empty()) return absl::InvalidArgumentError("--client-id is required");
  for (char c : client_id) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("--client-id: contains a space or control character");
    }
  }
  if (scopes.empty()) return absl::InvalidArgumentError("--scopes: no scope given");
  const std::string path(private_key_file);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("--private-key: cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  OktaCredential credential;
  credential.kind = OktaCredential::Kind::kServiceApp;
  credential.service_app.client_id = std::string(client_id);
  credential.service_app.private_key_pem = content.str();
  credential.service_app.key_id = std::string(key_id);
  credential.service_app.scopes = std::move(scopes);
  auto key = api::SigningKey::FromPem(credential.service_app.private_key_pem,
                                      absl::StrCat("--private-key ", path));
  if (!key.ok()) return key.status();
  return credential;
}

}  // namespace verdict
