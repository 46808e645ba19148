// lib/api/oauth: keys parse or are refused without showing their content, the
// client assertion carries the claims Okta checks and a signature its public
// key verifies, and token responses become tokens or clear errors.
#include "lib/api/oauth.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/api/test_keys.h"

namespace verdict::api {
namespace {

using ::verdict::testing::MakeEcKey;
using ::verdict::testing::MakeRsaKey;
using ::verdict::testing::TestKeyPair;
using Json = nlohmann::json;

std::string Base64UrlDecode(const std::string& in) {
  std::string standard = in;
  for (char& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (standard.size() % 4 != 0) standard.push_back('=');
  std::string out(standard.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(standard.data()),
                                static_cast<int>(standard.size()));
  out.resize(n - std::count(standard.end() - 2, standard.end(), '='));
  return out;
}

// OpenSSL's verdict on a JWS signature (r || s for EC) with `public_pem`.
bool Verifies(const std::string& public_pem, const std::string& input, std::string signature) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    const size_t half = signature.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG_set0(sig, BN_bin2bn(raw, static_cast<int>(half), nullptr),
                   BN_bin2bn(raw + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig, &der);
    signature.assign(reinterpret_cast<char*>(der), n);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
  }
  const EVP_MD* md = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == 384
                         ? EVP_sha384()
                         : EVP_sha256();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  ERR_clear_error();
  return ok;
}

TEST(Base64UrlTest, Rfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64Url(""), "");
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("foob"), "Zm9vYg");
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");  // the URL-safe alphabet
}

struct KeyCase {
  std::string name;
  TestKeyPair (*make)();
  std::string algorithm;
};

class ClientAssertionTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(ClientAssertionTest, CarriesOktasClaimsAndVerifiesWithThePublicKey) {
  const TestKeyPair pair = GetParam().make();
  auto key = SigningKey::FromPem(pair.private_pem, "--private-key k.pem");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ((*key)->algorithm(), GetParam().algorithm);
  OktaServiceApp app;
  app.client_id = "0oaServiceApp0g3";
  app.key_id = "kid-1";
  app.scopes = {"okta.policies.read"};
  const absl::Time now = absl::FromUnixSeconds(1741946400);
  auto jwt = ClientAssertion(**key, app, "https://acme.okta.com/oauth2/v1/token", now);
  ASSERT_TRUE(jwt.ok()) << jwt.status();
  std::vector<std::string> parts = absl::StrSplit(*jwt, '.');
  ASSERT_EQ(parts.size(), 3u);
  const Json header = Json::parse(Base64UrlDecode(parts[0]));
  EXPECT_EQ(header["alg"], GetParam().algorithm);
  EXPECT_EQ(header["kid"], "kid-1");
  const Json claims = Json::parse(Base64UrlDecode(parts[1]));
  EXPECT_EQ(claims["iss"], "0oaServiceApp0g3");
  EXPECT_EQ(claims["sub"], "0oaServiceApp0g3");
  EXPECT_EQ(claims["aud"], "https://acme.okta.com/oauth2/v1/token");
  EXPECT_EQ(claims["iat"], 1741946400);
  EXPECT_EQ(claims["exp"], 1741946400 + 300);
  EXPECT_EQ(claims["jti"].get<std::string>().size(), 32u);
  EXPECT_TRUE(Verifies(pair.public_pem, parts[0] + "." + parts[1], Base64UrlDecode(parts[2])));
  // Tampered claims do not verify.
  EXPECT_FALSE(
      Verifies(pair.public_pem, parts[0] + "." + parts[1] + "x", Base64UrlDecode(parts[2])));
  // A second assertion has another jti (Okta refuses a reused one).
  auto again = ClientAssertion(**key, app, "https://acme.okta.com/oauth2/v1/token", now);
  ASSERT_TRUE(again.ok());
  std::vector<std::string> again_parts = absl::StrSplit(*again, '.');
  EXPECT_NE(Json::parse(Base64UrlDecode(again_parts[1]))["jti"], claims["jti"]);
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ClientAssertionTest,
    ::testing::Values(KeyCase{"Rsa2048", [] { return MakeRsaKey(2048); }, "RS256"},
                      KeyCase{"EcP256", [] { return MakeEcKey("P-256"); }, "ES256"},
                      KeyCase{"EcP384", [] { return MakeEcKey("P-384"); }, "ES384"}),
    [](const auto& info) { return info.param.name; });

TEST(SigningKeyTest, RefusesWhatOktaWouldNotAcceptWithoutShowingTheKey) {
  const TestKeyPair small = MakeRsaKey(1024);
  auto refused = SigningKey::FromPem(small.private_pem, "--private-key small.pem");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "1024 bits")) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "small.pem"));

  auto garbage = SigningKey::FromPem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END", "k.pem");
  ASSERT_FALSE(garbage.ok());
  EXPECT_FALSE(absl::StrContains(garbage.status().message(), "c2VjcmV0")) << garbage.status();

  // A public key is not a private key.
  auto public_only = SigningKey::FromPem(small.public_pem, "pub.pem");
  EXPECT_FALSE(public_only.ok());

  // An encrypted key is refused rather than prompting for a passphrase.
  const TestKeyPair rsa = MakeRsaKey(2048);
  BIO* in = BIO_new_mem_buf(rsa.private_pem.data(), static_cast<int>(rsa.private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                const_cast<char*>("passphrase"));
  EVP_PKEY_free(key);
  auto encrypted = SigningKey::FromPem(::verdict::testing::BioText(out), "enc.pem");
  ASSERT_FALSE(encrypted.ok());
  EXPECT_TRUE(absl::StrContains(encrypted.status().message(), "unencrypted")) << encrypted.status();
}

TEST(ParseTokenResponseTest, BearerTokenRefreshedBeforeItExpires) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  auto token = ParseTokenResponse(
      200, R"({"token_type":"Bearer","expires_in":3600,"access_token":"eyJ.a.b","scope":"x"})",
      now);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token, "eyJ.a.b");
  EXPECT_EQ(token->refresh_at, now + absl::Seconds(3600 - 60));
  auto short_lived =
      ParseTokenResponse(200, R"({"token_type":"Bearer","expires_in":2,"access_token":"t"})", now);
  ASSERT_TRUE(short_lived.ok());
  EXPECT_EQ(short_lived->refresh_at, now + absl::Seconds(1));
}

TEST(ParseTokenResponseTest, RefusalsSayWhatToCheck) {
  const absl::Time now = absl::Now();
  auto dpop = ParseTokenResponse(200, R"({"token_type":"DPoP","access_token":"t"})", now);
  ASSERT_FALSE(dpop.ok());
  EXPECT_TRUE(absl::StrContains(dpop.status().message(), "DPoP")) << dpop.status();

  auto invalid_client = ParseTokenResponse(
      401,
      R"({"error":"invalid_client","error_description":"The client_assertion signature is invalid."})",
      now);
  ASSERT_FALSE(invalid_client.ok());
  EXPECT_EQ(invalid_client.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(invalid_client.status().message(),
                                "invalid_client: The client_assertion signature is invalid."))
      << invalid_client.status();
  EXPECT_TRUE(absl::StrContains(invalid_client.status().message(), "--private-key"));

  auto scope = ParseTokenResponse(
      400,
      R"({"error":"invalid_scope","error_description":"The following scopes are not allowed"})",
      now);
  ASSERT_FALSE(scope.ok());
  EXPECT_TRUE(absl::StrContains(scope.status().message(), "--scopes")) << scope.status();
}

TEST(TokenRequestBodyTest, FormEncodesScopesAndAssertion) {
  OktaServiceApp app;
  app.scopes = {"okta.policies.read", "okta.logs.read"};
  EXPECT_EQ(TokenRequestBody(app, "a.b_c-d"),
            "grant_type=client_credentials&scope=okta.policies.read%20okta.logs.read"
            "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
            "bearer&client_assertion=a.b_c-d");
}

}  // namespace
}  // namespace verdict::api
